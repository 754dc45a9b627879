import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer;
let bridge: Bridge | undefined;
/** A fresh key prefix per test: both tests share one redis-server. */
let run = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

afterAll(async () => {
  await redis?.destroy();
});

const stores = {
  memory: (): Record<string, string> => ({}),
  redis: (): Record<string, string> => ({ REDIS_URL: redis.url }),
};

describe.each(Object.keys(stores) as (keyof typeof stores)[])('%s store', (kind) => {
  it('the same Alertmanager notification posted by both members of an HA pair gives one Discord message', async () => {
    bridge = await startBridge({ env: stores[kind](), yaml: `store:\n  redis:\n    key_prefix: ha-${++run}\n` });
    expect(bridge.runtime.store.kind).toBe(kind);
    const body = fixtureBody('alertmanager/firing-two-alerts.json');
    // Both Alertmanagers post at once, then one of them retries (as after a timeout).
    const answers = await Promise.all([bridge.post('/webhook/alertmanager', body), bridge.post('/webhook/alertmanager', body)]);
    answers.push(await bridge.post('/webhook/alertmanager', body));
    const replies = (await Promise.all(answers.map((r) => r.json()))) as { notifications: string[]; duplicates: number }[];
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(replies.flatMap((r) => r.notifications)).toHaveLength(1);
    expect(replies.reduce((sum, r) => sum + r.duplicates, 0)).toBe(2);

    await bridge.fake.waitForMessages(1);
    // Acked once Discord's answer is back (the fake records the message before it answers): waited for, not
    // assumed done after a fixed pause. Then a while longer, for a second post that must not come.
    const webhookId = bridge.fake.messages[0]!.webhookId;
    await expect.poll(() => bridge!.runtime.store.queue.depth(webhookId)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bridge.fake.messages).toHaveLength(1);
  });
});
