import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertmanagerBody, stormGroups } from '../../bench/payloads.js';
import { startAlertcordProcess, type AlertcordProcess } from './alertcord-process.js';
import type { FakeDiscord, FakeWebhook } from './fake-discord/index.js';
import { startTaggingRelay, type RelayedRequest, type TaggingRelay } from './tagging-relay.js';

/** One alertcord replica (a child process) and the relay that tags its Discord requests with its name. */
export interface Replica {
  readonly name: string;
  readonly proc: AlertcordProcess;
  readonly relay: TaggingRelay;
  /** Its name in the Redis consumer groups (as create-store.ts builds it). */
  readonly consumer: string;
}

/** Two replicas sharing one Redis and one webhook of one fake Discord. */
export interface ReplicaPair {
  readonly replicas: readonly [Replica, Replica];
  /** Every Discord request of either replica, in arrival order at the relays, tagged with the replica's name. */
  readonly log: RelayedRequest[];
  /** Kills what is still running (SIGKILL), closes the relays, removes the config directory. */
  close(): Promise<void>;
}

export interface ReplicaPairOptions {
  redisUrl: string;
  fake: FakeDiscord;
  hook: FakeWebhook;
  /** The `store.redis` block's settings (e.g. `{ key_prefix: 'r1', visibility_timeout: '3s' }`). */
  redis: Record<string, string>;
  env?: Record<string, string>;
}

const SHIPPED_CONFIG = new URL('../../config/alertcord.yaml', import.meta.url);

/**
 * Starts replicas `a` and `b` at once: the shipped config/alertcord.yaml (its routes and defaults) plus a
 * `store.redis` block, REDIS_URL, and the general webhook pointed at each replica's own relay in front of the
 * fake. Queues and shared state are keyed by the webhook id, so both replicas serve the same queue while
 * every request stays attributable.
 */
export async function startReplicaPair(options: ReplicaPairOptions): Promise<ReplicaPair> {
  const dir = await mkdtemp(join(tmpdir(), 'alertcord-replicas-'));
  const configFile = join(dir, 'alertcord.yaml');
  const block = Object.entries(options.redis).map(([k, v]) => `    ${k}: ${v}`).join('\n');
  await writeFile(configFile, `${readFileSync(SHIPPED_CONFIG, 'utf8')}\nstore:\n  redis:\n${block}\n`);
  const log: RelayedRequest[] = [];
  const relays: TaggingRelay[] = [];
  const procs: AlertcordProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(procs.map((p) => p.kill()));
    await Promise.all(relays.map((r) => r.close()));
    await rm(dir, { recursive: true, force: true });
  };
  const start = async (name: string): Promise<Replica> => {
    const relay = await startTaggingRelay(options.fake.origin, name, log);
    relays.push(relay);
    const proc = await startAlertcordProcess({
      CONFIG_FILE: configFile,
      REDIS_URL: options.redisUrl,
      DISCORD_WEBHOOK_GENERAL: `${relay.origin}/api/webhooks/${options.hook.id}/${options.hook.token}`,
      DISCORD_ALLOWED_HOSTS: relay.host,
      ...options.env,
    });
    procs.push(proc);
    return { name, proc, relay, consumer: `${hostname()}-${proc.pid}` };
  };
  try {
    const [a, b] = await Promise.all([start('a'), start('b')]);
    return { replicas: [a, b], log, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The benchmark's storm (bench/payloads.ts): `groups` Alertmanager notifications of `size` alerts, as JSON. */
export function stormBodies(groups: number, size = 10): unknown[] {
  return stormGroups(groups, size).map((g) => alertmanagerBody(g));
}

/**
 * POSTs `bodies[i]` to `/webhook/alertmanager` of `targets[i % targets.length]` (alternately, as a load
 * balancer would), `concurrency` at a time. Returns the statuses; a request that failed (its replica died)
 * counts as 0.
 */
export async function postSpread(targets: readonly AlertcordProcess[], bodies: readonly unknown[], concurrency: number, offset = 0): Promise<number[]> {
  const statuses: number[] = new Array<number>(bodies.length).fill(0);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      try {
        const res = await targets[(i + offset) % targets.length]!.post('/webhook/alertmanager', bodies[i]);
        await res.arrayBuffer();
        statuses[i] = res.status;
      } catch {
        statuses[i] = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, lane));
  return statuses;
}

/** Requests of one replica that Discord answered with a 2xx. */
export function sentBy(log: readonly RelayedRequest[], name: string): RelayedRequest[] {
  return log.filter((r) => r.tag === name && r.status !== undefined && r.status >= 200 && r.status < 300);
}
