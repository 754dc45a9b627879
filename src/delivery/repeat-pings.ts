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
 * Silences the pings of every partial resolve in `items` whose firing alerts a message already pinged
 * about (a firing, a reminder): the channel still sees the update, on-call's phone stays quiet. Replaces
 * those items' notifications with copies that ping nobody. When the marks cannot be read, pings stay.
 */
export async function quietPartialResolves(items: QueuedItem[], marks: PingMarks, queueKey: string, onError: (err: unknown) => void): Promise<void> {
  const candidates = items.flatMap((item) => {
    const keys = partialResolveMarks(item.notification);
    return keys ? [{ item, keys }] : [];
  });
  if (candidates.length === 0) return;
  let unmarked: Set<string>;
  try {
    unmarked = new Set(await marks.unmarked(queueKey, [...new Set(candidates.flatMap((c) => c.keys))]));
  } catch (err) {
    onError(err);
    return;
  }
  for (const { item, keys } of candidates) {
    if (keys.every((key) => !unmarked.has(key))) item.notification = { ...item.notification, mentions: {} };
  }
}

/** The marks to set once `message` is sent: the firing alerts of its notifications, when it pings anyone. */
export function marksToSet(message: DiscordMessage, notifications: readonly Notification[]): string[] {
  const mentions = message.allowed_mentions;
  const pings = mentions.parse.length > 0 || (mentions.roles?.length ?? 0) > 0 || (mentions.users?.length ?? 0) > 0;
  return pings ? [...new Set(notifications.flatMap((n) => pingMarksOf(n) ?? []))] : [];
}
