import { shortHash } from '../lib/hash.js';
import type { Notification } from '../model/notification.js';
import type { DiscordMessage } from '../render/discord-message.js';
import type { PingMarks, QueuedItem } from '../store/types.js';

/**
 * How long a firing alert counts as pinged about. Alertmanager reminds of a group still firing every
 * `repeat_interval` (4 h by default), and a reminder pings and marks again: a day covers any usual setting,
 * and past it a partial resolve pings once more, which is the safe side.
 */
export const PING_MARK_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The ping marks of a firing notification's firing alerts: its group, each alert's fingerprint and start
 * (an alert that fires anew has a new start, so it pings again). Undefined for what has no such identity
 * (scripts, OTLP, library sends: no group key; alerts without a start).
 */
export function pingMarksOf(n: Notification): string[] | undefined {
  if (n.status !== 'firing' || n.groupKey === undefined) return undefined;
  const firing = n.alerts.filter((a) => a.status === 'firing');
  if (firing.length === 0 || firing.some((a) => a.startsAt === undefined)) return undefined;
  return firing.map((a) => shortHash(`${n.alertType}\n${n.groupKey}\n${a.fingerprint}\n${a.startsAt}`, 32));
}

/**
 * A partial resolve: a group notification in which some alerts resolved while others still fire.
 * Alertmanager and Grafana send the whole group, so it is a firing notification; it is news for the
 * resolved ones only. Not when the sender cut alerts (`max_alerts`): one not shown may be new.
 */
function partialResolveMarks(n: Notification): string[] | undefined {
  if (n.truncatedAlerts > 0 || !n.alerts.some((a) => a.status === 'resolved')) return undefined;
  return pingMarksOf(n);
}

/**
 * The partial resolves in `items` whose firing alerts a message already pinged about (a firing, a reminder),
 * by notification id: they go out without pinging (see {@link asPlanned}), the channel still sees the update,
 * on-call's phone stays quiet. When the marks cannot be read, none: pings stay.
 */
export async function silencedPartialResolves(items: readonly QueuedItem[], marks: PingMarks, queueKey: string, onError: (err: unknown) => void): Promise<Set<string>> {
  const candidates = items.flatMap((item) => {
    const keys = partialResolveMarks(item.notification);
    return keys ? [{ item, keys }] : [];
  });
  if (candidates.length === 0) return new Set();
  let unmarked: Set<string>;
  try {
    unmarked = new Set(await marks.unmarked(queueKey, [...new Set(candidates.flatMap((c) => c.keys))]));
  } catch (err) {
    onError(err);
    return new Set();
  }
  return new Set(candidates.filter(({ keys }) => keys.every((key) => !unmarked.has(key))).map(({ item }) => item.notification.id));
}

/**
 * `items` as they are planned: the `silenced` ones with copies of their notifications that ping nobody.
 * Only the messages change: the queued notification keeps its pings wherever it goes from here (a dead letter
 * replayed a day later, a reroute to general's channel, where nobody was pinged about it).
 */
export function asPlanned(items: readonly QueuedItem[], silenced: ReadonlySet<string>): readonly QueuedItem[] {
  if (silenced.size === 0) return items;
  return items.map((item) => (silenced.has(item.notification.id) ? { ...item, notification: { ...item.notification, mentions: {} } } : item));
}

/**
 * The marks to set once `message` reached Discord: the firing alerts of its notifications, when it pings anyone.
 * Not those of a `silenced` one packed beside a notification that pinged: that ping was not about its alerts,
 * and renewing their marks would keep them quiet past a day of never being pinged about.
 */
export function marksToSet(message: DiscordMessage, notifications: readonly Notification[], silenced: ReadonlySet<string> = new Set()): string[] {
  const mentions = message.allowed_mentions;
  const pings = mentions.parse.length > 0 || (mentions.roles?.length ?? 0) > 0 || (mentions.users?.length ?? 0) > 0;
  return pings ? [...new Set(notifications.flatMap((n) => (silenced.has(n.id) ? [] : (pingMarksOf(n) ?? []))))] : [];
}
