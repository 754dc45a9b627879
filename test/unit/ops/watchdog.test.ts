import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchdogConfig } from '../../../src/config/watchdog.js';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import { MAX_TIMER_MS } from '../../../src/delivery/clock.js';
import { Watchdog, WATCHDOG_RETRY_MS, WATCHDOG_SHARED_POLL_MS } from '../../../src/ops/watchdog.js';
import { globalTimers } from '../../../src/ops/watchdog-timers.js';
import { MemoryHeartbeats } from '../../../src/store/memory/heartbeats.js';
import type { Heartbeats } from '../../../src/store/types.js';

const TEN_MIN = 10 * 60_000;
const alert = (alertname: string, status: 'firing' | 'resolved' = 'firing'): Alert => ({
  source: 'alertmanager',
  status,
  severity: 'info',
  title: alertname,
  message: '',
  labels: { alertname },
  annotations: {},
  links: [],
  fields: [],
  fingerprint: alertname,
});

function setup(config: WatchdogConfig | null = { alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' }, heartbeats?: Heartbeats) {
  const posted: Notification[] = [];
  let accept = true;
  let current = config ?? undefined;
  const onHeartbeat = vi.fn();
  const watchdog = new Watchdog({
    config: () => current,
    now: () => Date.now(),
    logger: pino({ level: 'silent' }),
    onHeartbeat,
    ...(heartbeats ? { heartbeats } : {}),
    announce: async (n) => {
      if (!accept) return false;
      posted.push(n);
      return true;
    },
  });
  return {
    watchdog,
    posted,
    onHeartbeat,
    refuse: (v: boolean) => (accept = !v),
    setConfig: (c: WatchdogConfig | undefined) => (current = c),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('Watchdog (dead man\'s switch) with fake timers', () => {
  it('consumes the heartbeat (not delivered) and counts it; other alerts pass', () => {
    const { watchdog, onHeartbeat } = setup();
    watchdog.start();
    expect(watchdog.consume(alert('Watchdog'))).toBe(true);
    expect(watchdog.consume(alert('DiskFull'))).toBe(false);
    expect(onHeartbeat).toHaveBeenCalledTimes(1);
    expect(watchdog.status()).toMatchObject({ enabled: true, state: 'ok', heartbeats: 1, lastSeenAt: '2026-01-01T00:00:00.000Z', missingSince: null, timeoutSeconds: 600, alertType: 'critical' });
  });

  it('posts "pipeline down" to the critical type once the heartbeat is overdue, and "back" (resolved) when it returns', async () => {
    const { watchdog, posted } = setup();
    watchdog.start();
    watchdog.consume(alert('Watchdog'));
    await vi.advanceTimersByTimeAsync(TEN_MIN - 1);
    expect(posted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ alertType: 'critical', status: 'firing', source: 'alertcord' });
    expect(posted[0]!.alerts[0]).toMatchObject({ severity: 'critical', labels: { alertname: 'AlertcordWatchdogMissing', watchdog: 'Watchdog' } });
    expect(posted[0]!.alerts[0]!.title).toContain('Alerting pipeline down');
    expect(posted[0]!.alerts[0]!.message).toContain('last arrived at 2026-01-01T00:00:00.000Z');
    expect(watchdog.status()).toMatchObject({ state: 'missing', missingSince: '2026-01-01T00:10:00.000Z' });
    // Told once, not every timeout.
    await vi.advanceTimersByTimeAsync(3 * TEN_MIN);
    expect(posted).toHaveLength(1);
    watchdog.consume(alert('Watchdog'));
    await vi.advanceTimersByTimeAsync(0);
    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatchObject({ alertType: 'critical', status: 'resolved' });
    expect(posted[1]!.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-01-01T00:40:00.000Z' });
    expect(posted[1]!.alerts[0]!.fingerprint).toBe(posted[0]!.alerts[0]!.fingerprint);
    expect(watchdog.status().state).toBe('ok');
  });

  it('counts from start when no heartbeat ever came; each heartbeat pushes the deadline', async () => {
    const { watchdog, posted } = setup();
    watchdog.start();
    expect(watchdog.status().state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(TEN_MIN / 2);
    watchdog.consume(alert('Watchdog'));
    await vi.advanceTimersByTimeAsync(TEN_MIN - 1);
    expect(posted).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted).toHaveLength(1);

    const fresh = setup();
    fresh.watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    expect(fresh.posted[0]!.alerts[0]!.message).toContain('has not arrived since alertcord started');
  });

  it('a resolved Watchdog is swallowed but is not a heartbeat', async () => {
    const { watchdog, posted, onHeartbeat } = setup();
    watchdog.start();
    watchdog.consume(alert('Watchdog'));
    await vi.advanceTimersByTimeAsync(TEN_MIN / 2);
    expect(watchdog.consume(alert('Watchdog', 'resolved'))).toBe(true);
    expect(onHeartbeat).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(TEN_MIN / 2);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
  });

  it('tries again when the notice cannot be queued (queue full, store down)', async () => {
    const { watchdog, posted, refuse } = setup();
    refuse(true);
    watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    expect(posted).toHaveLength(0);
    refuse(false);
    await vi.advanceTimersByTimeAsync(WATCHDOG_RETRY_MS);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
  });

  it('is off without config (nothing consumed, no timer) and follows a reload', async () => {
    const { watchdog, posted, setConfig } = setup(null);
    watchdog.start();
    expect(watchdog.consume(alert('Watchdog'))).toBe(false);
    expect(watchdog.status()).toMatchObject({ enabled: false, state: 'disabled', alertname: null });
    expect(vi.getTimerCount()).toBe(0);
    setConfig({ alertname: 'DeadMansSwitch', timeoutMs: 60_000, alertType: 'general' });
    watchdog.reconfigure();
    expect(watchdog.consume(alert('DeadMansSwitch'))).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(posted.map((n) => n.alertType)).toEqual(['general']);
    setConfig(undefined);
    watchdog.reconfigure();
    expect(vi.getTimerCount()).toBe(0);
    expect(watchdog.status().state).toBe('disabled');
  });

  it('switched off and on again by reloads, counts from the reload: a heartbeat from before it was off is no alarm', async () => {
    const config = { alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' };
    const { watchdog, posted, setConfig } = setup(config);
    watchdog.start();
    watchdog.consume(alert('Watchdog'));
    setConfig(undefined);
    watchdog.reconfigure();
    // Off for an hour: heartbeats are delivered as plain alerts meanwhile, not watched.
    await vi.advanceTimersByTimeAsync(6 * TEN_MIN);
    setConfig(config);
    watchdog.reconfigure();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(posted).toHaveLength(0);
    expect(watchdog.status().state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
  });

  it('stop() clears its timers', async () => {
    const { watchdog, posted } = setup();
    watchdog.start();
    watchdog.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * TEN_MIN);
    expect(posted).toHaveLength(0);
  });

  it('stop() while a shared-time read is in flight leaves no poll behind', async () => {
    let answer: ((at: number | undefined) => void) | undefined;
    const slow: Heartbeats = {
      record: async () => undefined,
      lastSeen: () => new Promise((resolve) => (answer = resolve)),
      toldOutage: async () => undefined,
      setToldOutage: async () => undefined,
    };
    const { watchdog, posted } = setup(undefined, slow);
    watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    answer!(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
    await vi.advanceTimersByTimeAsync(30_000); // the poll fires and waits for Redis…
    watchdog.stop(); // …while the runtime stops and closes the store
    answer!(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says nothing of a comeback when the "down" notice could never be queued', async () => {
    const { watchdog, posted, refuse } = setup();
    refuse(true);
    watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN); // "down" refused (queue full, store down)
    refuse(false);
    watchdog.consume(alert('Watchdog')); // back before the retry
    await vi.advanceTimersByTimeAsync(2 * WATCHDOG_RETRY_MS);
    expect(posted).toEqual([]);
    expect(watchdog.status().state).toBe('ok');
  });

  /** A watchdog whose "down" notice waits in `announce` until `release()`. */
  function downHeld(config: () => WatchdogConfig | undefined, heartbeats?: Heartbeats) {
    let held: (() => void) | undefined;
    const posted: Notification[] = [];
    const watchdog = new Watchdog({
      config,
      now: () => Date.now(),
      logger: pino({ level: 'silent' }),
      ...(heartbeats ? { heartbeats } : {}),
      announce: async (n) => {
        if (n.status === 'firing') await new Promise<void>((resolve) => (held = resolve));
        posted.push(n);
        return true;
      },
    });
    return { watchdog, posted, release: () => held!() };
  }

  it('a heartbeat back while the "down" notice is being queued is told after it', async () => {
    const config = { alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' };
    const { watchdog, posted, release } = downHeld(() => config);
    watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    watchdog.consume(alert('Watchdog'));
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
  });

  it('a reload that switches the watchdog off while the "down" notice is being queued tells no false "back"', async () => {
    const config = { alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' };
    let current: typeof config | undefined = config;
    const shared = new MemoryHeartbeats();
    const { watchdog, posted, release } = downHeld(() => current, shared);
    watchdog.start();
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    current = undefined; // a reload switched it off; no heartbeat came
    watchdog.reconfigure();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
    // The outage stays told, so switching it on again resumes it (and tells "back" when the heartbeat returns).
    expect(await shared.toldOutage('Watchdog')).toBeDefined();
    watchdog.stop();
  });

  it('a reload that lengthens the timeout while the heartbeat is missing tells no false "back"', async () => {
    const shared = new MemoryHeartbeats();
    const { watchdog, posted, setConfig } = setup({ alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' }, shared);
    watchdog.start();
    watchdog.consume(alert('Watchdog'));
    await vi.advanceTimersByTimeAsync(TEN_MIN);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
    setConfig({ alertname: 'Watchdog', timeoutMs: 2 * TEN_MIN, alertType: 'critical' });
    watchdog.reconfigure();
    await vi.advanceTimersByTimeAsync(3 * TEN_MIN);
    expect(posted.map((n) => n.status)).toEqual(['firing']);
    expect(watchdog.status().state).toBe('missing');
  });

  describe('several replicas sharing the heartbeat time (Redis)', () => {
    it('a replica that never hears the heartbeat itself stays quiet while another replica hears it', async () => {
      const [heard, deaf] = replicasSharing(new MemoryHeartbeats());
      heard.watchdog.start();
      deaf.watchdog.start();
      // Alertmanager keeps its connection to one replica: every heartbeat lands on `heard`.
      for (let minute = 0; minute < 60; minute += 5) {
        heard.watchdog.consume(alert('Watchdog'));
        await vi.advanceTimersByTimeAsync(5 * 60_000);
      }
      expect(deaf.posted).toEqual([]);
      expect(deaf.watchdog.status()).toMatchObject({ state: 'ok', heartbeats: 0 });
    });

    it('when the heartbeat stops, every replica tells the same outage (one dedupe key); back at one replica, all tell it is back', async () => {
      const [a, b] = replicasSharing(new MemoryHeartbeats());
      a.watchdog.start();
      b.watchdog.start();
      a.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(a.posted.map((n) => n.status)).toEqual(['firing']);
      expect(b.posted.map((n) => n.dedupeKey)).toEqual(a.posted.map((n) => n.dedupeKey));
      // The heartbeat comes back at b only; a learns it from the shared time within its poll.
      b.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(a.watchdog.status().state).toBe('ok');
      expect(a.posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
      expect(a.posted[1]!.dedupeKey).toBe(b.posted[1]!.dedupeKey);
    });

    it('a reload renaming the heartbeat: the replica that hears neither stays quiet until the new one is due, and a new name never arriving is one outage', async () => {
      const [heard, deaf] = replicasSharing(new MemoryHeartbeats());
      heard.watchdog.start();
      deaf.watchdog.start();
      // Heartbeats each minute at `heard`; the deaf replica's last check read the one of minute 9.
      for (let minute = 0; minute < 15; minute++) {
        heard.watchdog.consume(alert('Watchdog'));
        await vi.advanceTimersByTimeAsync(60_000);
      }
      // Renamed at minute 15 (both replicas reload); the renamed rule's first heartbeat takes a few minutes.
      const renamed = { alertname: 'Heartbeat', timeoutMs: TEN_MIN, alertType: 'critical' };
      for (const r of [heard, deaf]) {
        r.setConfig(renamed);
        r.watchdog.reconfigure();
      }
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(deaf.posted).toEqual([]);
      // It never comes (a name matching no alert): told a timeout after the rename, once (one dedupe key).
      await vi.advanceTimersByTimeAsync(TEN_MIN - 5 * 60_000);
      expect(heard.posted.map((n) => n.status)).toEqual(['firing']);
      expect(deaf.posted.map((n) => n.dedupeKey)).toEqual(heard.posted.map((n) => n.dedupeKey));
      heard.watchdog.stop();
      deaf.watchdog.stop();
    });

    it('replicas started at different times, none ever hearing the heartbeat, tell one outage (one dedupe key), and one comeback', async () => {
      const [a, b] = replicasSharing(new MemoryHeartbeats());
      a.watchdog.start();
      await vi.advanceTimersByTimeAsync(2 * 60_000); // a rolling deploy: b starts two minutes later
      b.watchdog.start();
      await vi.advanceTimersByTimeAsync(TEN_MIN);
      expect([...a.posted, ...b.posted].map((n) => n.status)).toEqual(['firing', 'firing']);
      expect(b.posted[0]!.dedupeKey).toBe(a.posted[0]!.dedupeKey);
      a.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(b.posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
      expect(b.posted[1]!.dedupeKey).toBe(a.posted[1]!.dedupeKey);
    });
  });

  describe('through a store outage (Redis down longer than the timeout)', () => {
    /**
     * Two replicas on one store, for an hour; Alertmanager's heartbeat (every 5 minutes) lands at `beating`'s pick
     * (default `heard`), and the store is down from minute 12 until `reconnect` brings each connection back.
     * Neither replica may tell anything, and both end "ok".
     */
    type Replica = ReturnType<typeof replicaOn>;
    interface OutageRun {
      reconnect: (minute: number, heard: Replica, deaf: Replica) => void;
      beating?: (minute: number, heard: Replica, deaf: Replica) => Replica;
      eachMinute?: (deaf: Replica, minute: number) => void;
    }
    async function heartbeatsThroughOutage(run: OutageRun) {
      const shared = new MemoryHeartbeats();
      const heard = replicaOn(shared);
      const deaf = replicaOn(shared);
      heard.watchdog.start();
      deaf.watchdog.start();
      for (let minute = 0; minute < 60; minute++) {
        if (minute === 12) [heard, deaf].forEach((r) => r.storeDown(true));
        run.reconnect(minute, heard, deaf);
        if (minute % 5 === 0) (run.beating?.(minute, heard, deaf) ?? heard).watchdog.consume(alert('Watchdog'));
        await vi.advanceTimersByTimeAsync(60_000);
        run.eachMinute?.(deaf, minute);
      }
      expect([...heard.posted, ...deaf.posted]).toEqual([]);
      expect([heard.watchdog.status().state, deaf.watchdog.status().state]).toEqual(['ok', 'ok']);
    }

    it('the heartbeat arriving at one replica all along: no replica tells "down" when the store is back', async () => {
      await heartbeatsThroughOutage({
        reconnect: (minute, heard, deaf) => minute === 37 && [heard, deaf].forEach((r) => r.storeDown(false)),
        // Unread is unknown, not missing: /api/status and alertcord_watchdog_missing do not cry wolf meanwhile.
        eachMinute: (deaf, minute) => expect(deaf.watchdog.status().state, `minute ${minute}`).not.toBe('missing'),
      });
    });

    it('the deaf replica reconnects first: its first read after the outage, before the other wrote what it heard, is no "down"', async () => {
      // Each connection reconnects on its own: `heard`'s only once `deaf` has read the (old) shared time.
      await heartbeatsThroughOutage({
        reconnect: (minute, heard, deaf) => {
          if (minute !== 37) return;
          deaf.storeDown(false);
          deaf.afterRead(() => heard.storeDown(false));
        },
      });
    });

    it('a "down" that could not be queued is not queued later when the heartbeat came back meanwhile (heard elsewhere, written late)', async () => {
      const shared = new MemoryHeartbeats();
      const heard = replicaOn(shared);
      const deaf = replicaOn(shared);
      deaf.watchdog.start(); // its check comes first
      heard.watchdog.start();
      heard.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(0); // the reads at start
      // The pipeline stops; `deaf` finds it missing with the store up, which goes down before the "down" is queued.
      deaf.afterRead(() => [heard, deaf].forEach((r) => r.storeDown(true)));
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(deaf.watchdog.status().state).toBe('missing');
      await vi.advanceTimersByTimeAsync(60_000);
      heard.watchdog.consume(alert('Watchdog')); // back, at `heard`, which cannot write it
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      deaf.storeDown(false);
      deaf.afterRead(() => heard.storeDown(false));
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      expect([...heard.posted, ...deaf.posted]).toEqual([]);
      expect(deaf.watchdog.status().state).toBe('ok');
    });

    it('a real outage during the store outage is told once the store is back (one outage, one key), and its "back" too', async () => {
      const shared = new MemoryHeartbeats();
      const heard = replicaOn(shared);
      const deaf = replicaOn(shared);
      heard.watchdog.start();
      deaf.watchdog.start();
      heard.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      heard.watchdog.consume(alert('Watchdog')); // the last one: the pipeline stops after it (overdue at 00:15)
      await vi.advanceTimersByTimeAsync(7 * 60_000);
      [heard, deaf].forEach((r) => r.storeDown(true));
      await vi.advanceTimersByTimeAsync(25 * 60_000);
      expect([...heard.posted, ...deaf.posted]).toEqual([]);
      [heard, deaf].forEach((r) => r.storeDown(false));
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      const downs = [...heard.posted, ...deaf.posted];
      expect(downs.map((n) => n.status)).toEqual(['firing', 'firing']);
      expect(new Set(downs.map((n) => n.dedupeKey)).size).toBe(1);
      expect(downs[0]!.alerts[0]!.startsAt).toBe('2026-01-01T00:15:00.000Z');
      expect(deaf.watchdog.status().state).toBe('missing');
      heard.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(WATCHDOG_SHARED_POLL_MS);
      expect(heard.posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
      expect(deaf.posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
    });

    it('heartbeats heard at two replicas during the outage: the older one, written last, does not put the shared time back (no false "down")', async () => {
      // Behind a load balancer, Alertmanager's connection moves from `heard` to `deaf` during the store outage.
      await heartbeatsThroughOutage({
        reconnect: (minute, heard, deaf) => {
          if (minute === 37) deaf.storeDown(false); // `deaf` writes what it heard last (minute 35) first …
          if (minute === 38) heard.storeDown(false); // … then `heard` its own, twenty minutes older (minute 15)
        },
        beating: (minute, heard, deaf) => (minute <= 15 ? heard : deaf),
      });
    });

    it('stop() after a start with the store down leaves no timer behind: its re-reads of the told outage end', async () => {
      const r = replicaOn(new MemoryHeartbeats());
      r.storeDown(true);
      r.watchdog.start(); // the told outage cannot be read: read again in a while
      await vi.advanceTimersByTimeAsync(1_000);
      r.watchdog.consume(alert('Watchdog')); // a heartbeat reads it again too
      await vi.advanceTimersByTimeAsync(1_000);
      r.watchdog.stop();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a "down" waiting to be queued again is dropped when the heartbeat returns while its retry reads the shared time', async () => {
      const r = replicaOn(new MemoryHeartbeats());
      r.watchdog.start();
      r.watchdog.consume(alert('Watchdog'));
      r.refuse(true); // the store reads, but the notice cannot be queued
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(r.watchdog.status().state).toBe('missing');
      r.refuse(false);
      // The next read is the poll's (armed first), the one after it the retry's: the heartbeat comes during that one.
      r.afterRead(() => r.afterRead(() => r.watchdog.consume(alert('Watchdog'))));
      await vi.advanceTimersByTimeAsync(WATCHDOG_RETRY_MS);
      expect(r.posted).toEqual([]);
      expect(r.watchdog.status().state).toBe('ok');
    });

    it('a shared time older than the heartbeat heard here (whose write the store refused) does not make the outage start earlier', async () => {
      const startedAt = Date.now();
      // A read-only store (a replica promoted wrong, an ACL): reads answer, writes fail.
      const readOnly: Heartbeats = {
        record: () => Promise.reject(new Error('READONLY You can\'t write against a read only replica.')),
        lastSeen: async () => startedAt,
        toldOutage: async () => undefined,
        setToldOutage: async () => undefined,
      };
      const r = setup(undefined, readOnly);
      r.watchdog.start();
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      r.watchdog.consume(alert('Watchdog')); // 00:05, heard here only
      await vi.advanceTimersByTimeAsync(TEN_MIN);
      expect(r.posted.map((n) => n.alerts[0]!.startsAt)).toEqual(['2026-01-01T00:15:00.000Z']);
      expect(r.watchdog.status()).toMatchObject({ state: 'missing', lastSeenAt: '2026-01-01T00:05:00.000Z' });
      r.watchdog.stop();
    });

    it('stop() while a heartbeat waits to be written leaves no timer behind', async () => {
      const shared = new MemoryHeartbeats();
      const heard = replicaOn(shared);
      heard.watchdog.start();
      heard.storeDown(true);
      heard.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(60_000);
      heard.watchdog.stop();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('restarts during an outage (the told outage is kept in the store)', () => {
    const config = { alertname: 'Watchdog', timeoutMs: TEN_MIN, alertType: 'critical' };
    /** One replica tells the outage, then stops (a deploy, a crash): what it told is in `shared`. */
    async function toldThenStopped(shared: MemoryHeartbeats) {
      const before = setup(config, shared);
      before.watchdog.start();
      before.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(before.posted.map((n) => n.status)).toEqual(['firing']);
      before.watchdog.stop();
      return before.posted[0]!;
    }

    /** `after` resumed the outage `down` told: missing since then, no second "down", one "back" when the heartbeat returns. */
    async function expectResumed(after: ReturnType<typeof setup>, down: Notification) {
      expect(after.watchdog.status()).toMatchObject({ state: 'missing', missingSince: down.alerts[0]!.startsAt });
      await vi.advanceTimersByTimeAsync(2 * TEN_MIN);
      expect(after.posted).toEqual([]);
      after.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(0);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
    }

    it('a replica started during a told outage resumes it: no second "down", and "back" when the heartbeat returns', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      await vi.advanceTimersByTimeAsync(60_000);
      const after = setup(config, shared);
      after.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      await expectResumed(after, down);
      expect(after.posted[0]!.dedupeKey).toBe(down.dedupeKey.replace(':firing:', ':resolved:'));
      // Told: the next start has no outage to resume.
      after.watchdog.stop();
      const next = setup(config, shared);
      next.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(next.watchdog.status().state).toBe('waiting');
    });

    it('a replica started while the store is down resumes the told outage once it is back: no second "down", one "back"', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      await vi.advanceTimersByTimeAsync(2 * 3_600_000); // two hours into it: past the notices' dedupe hold
      const after = replicaOn(shared);
      after.storeDown(true); // e.g. a node lost: alertcord and Redis restart together
      after.watchdog.start();
      await vi.advanceTimersByTimeAsync(60_000);
      after.storeDown(false);
      await vi.advanceTimersByTimeAsync(2 * TEN_MIN);
      expect(after.posted).toEqual([]);
      expect(after.watchdog.status()).toMatchObject({ state: 'missing', missingSince: down.alerts[0]!.startsAt });
      after.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(0);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
      expect(await shared.toldOutage('Watchdog')).toBeUndefined();
    });

    it('the heartbeat heard again before the restart (by a replica that died before telling) is told "back" at start', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      await shared.record('Watchdog', Date.now());
      await vi.advanceTimersByTimeAsync(60_000);
      const after = setup(config, shared);
      after.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
      expect(after.posted[0]!.dedupeKey).toBe(down.dedupeKey.replace(':firing:', ':resolved:'));
      expect(after.watchdog.status().state).toBe('ok');
    });

    it('a replica started just before another told the outage, which then died, tells "back" when the heartbeat returns to it before its own first check', async () => {
      const shared = new MemoryHeartbeats();
      const teller = setup(config, shared);
      teller.watchdog.start();
      teller.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      const late = setup(config, shared); // a deploy: no outage told yet, nothing to resume
      late.watchdog.start();
      await vi.advanceTimersByTimeAsync(5 * 60_000 + 1_000);
      expect(teller.posted.map((n) => n.status)).toEqual(['firing']);
      teller.watchdog.stop(); // the replica that told it goes away
      await vi.advanceTimersByTimeAsync(60_000);
      late.watchdog.consume(alert('Watchdog')); // back, at the only replica left, before its own check came
      await vi.advanceTimersByTimeAsync(0);
      expect(late.posted.map((n) => n.status)).toEqual(['resolved']);
      expect(late.posted[0]!.dedupeKey).toBe(teller.posted[0]!.dedupeKey.replace(':firing:', ':resolved:'));
      expect(await shared.toldOutage('Watchdog')).toBeUndefined();
      // The heartbeat goes on: nothing more is told.
      for (let i = 0; i < 3; i++) {
        late.watchdog.consume(alert('Watchdog'));
        await vi.advanceTimersByTimeAsync(60_000);
      }
      expect(late.posted.map((n) => n.status)).toEqual(['resolved']);
    });

    it('a late "back" of an earlier outage does not clear the mark of a newer one', async () => {
      const shared = new MemoryHeartbeats();
      const slow = setup(config, shared);
      slow.watchdog.start();
      slow.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      const own = await shared.toldOutage('Watchdog');
      expect(own).toEqual({ since: Date.parse(slow.posted[0]!.alerts[0]!.startsAt!), neverHeard: false });
      // Meanwhile another replica told a newer outage; this one's "back" of its own comes late.
      const newer = { since: own!.since + 60_000, neverHeard: false };
      await shared.setToldOutage('Watchdog', newer);
      slow.watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(0);
      expect(slow.posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
      expect(await shared.toldOutage('Watchdog')).toEqual(newer);
    });

    it('a resumed outage hears of the heartbeat at another replica through the shared time, and tells "back"', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      const after = setup(config, shared);
      after.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(after.watchdog.status().state).toBe('missing');
      await shared.record('Watchdog', Date.now()); // heard by another replica only
      await vi.advanceTimersByTimeAsync(WATCHDOG_SHARED_POLL_MS);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
      expect(after.posted[0]!.dedupeKey).toBe(down.dedupeKey.replace(':firing:', ':resolved:'));
      expect(after.watchdog.status().state).toBe('ok');
    });

    it('a heartbeat arriving while the told outage is being read is that "back": told at once, not a resumed outage', async () => {
      const shared = new MemoryHeartbeats();
      await toldThenStopped(shared);
      const after = setup(config, shared);
      after.watchdog.start();
      after.watchdog.consume(alert('Watchdog')); // before the store answered
      await vi.advanceTimersByTimeAsync(0);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
      expect(after.watchdog.status().state).toBe('ok');
    });

    it('a heartbeat at the very instant the outage began counts as its "back"; the next timeout counts from it', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      const since = Date.parse(down.alerts[0]!.startsAt!);
      await shared.record('Watchdog', since);
      await vi.advanceTimersByTimeAsync(60_000);
      const after = setup(config, shared);
      after.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(after.posted.map((n) => n.status)).toEqual(['resolved']);
      // Overdue a timeout after that heartbeat, not a timeout after this start.
      await vi.advanceTimersByTimeAsync(since + TEN_MIN - Date.now());
      expect(after.posted.map((n) => n.status)).toEqual(['resolved', 'firing']);
    });

    it('a reload changing nothing of the watchdog while the told outage is read still resumes it: no second "down"', async () => {
      const shared = new MemoryHeartbeats();
      const down = await toldThenStopped(shared);
      await vi.advanceTimersByTimeAsync(2 * 3_600_000); // restarted two hours into the outage
      const after = setup(config, shared);
      after.watchdog.start();
      after.setConfig({ ...config }); // a reload (of a webhook, say): the watchdog section read anew, same settings
      after.watchdog.reconfigure();
      await vi.advanceTimersByTimeAsync(0);
      await expectResumed(after, down);
      after.watchdog.stop();
    });

    it('a reload renaming the heartbeat during a told outage: its "back" clears the mark the "down" left, so no later start resumes it', async () => {
      const shared = new MemoryHeartbeats();
      const renamed = { ...config, alertname: 'Heartbeat' };
      const { watchdog, posted, setConfig } = setup(config, shared);
      watchdog.start();
      watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(await shared.toldOutage('Watchdog')).toBeDefined();
      setConfig(renamed);
      watchdog.reconfigure();
      watchdog.consume(alert('Heartbeat'));
      await vi.advanceTimersByTimeAsync(0);
      expect(posted.map((n) => n.status)).toEqual(['firing', 'resolved']);
      watchdog.stop();
      // Told "back": a start under the old name (the rename undone) has no outage to resume.
      expect(await shared.toldOutage('Watchdog')).toBeUndefined();
      const next = setup(config, shared);
      next.watchdog.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(next.watchdog.status().state).toBe('waiting');
      next.watchdog.stop();
    });

    it('stopped, or switched to another heartbeat, while the told outage was read: nothing is resumed', async () => {
      const shared = new MemoryHeartbeats();
      await toldThenStopped(shared);
      const stopped = setup(config, shared);
      stopped.watchdog.start();
      stopped.watchdog.stop();
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped.watchdog.status().state).toBe('waiting');
      expect(vi.getTimerCount()).toBe(0); // no shared poll outliving the stop
      const reloaded = setup(config, shared);
      reloaded.watchdog.start();
      reloaded.setConfig({ ...config, alertname: 'Heartbeat' });
      reloaded.watchdog.reconfigure();
      await vi.advanceTimersByTimeAsync(0);
      expect(reloaded.watchdog.status()).toMatchObject({ alertname: 'Heartbeat', state: 'waiting' });
      await vi.advanceTimersByTimeAsync(TEN_MIN - 1);
      expect(reloaded.posted).toEqual([]);
    });
  });

  describe('a clock stepped ahead and set right again (a VM restored, an RTC wrong until NTP)', () => {
    const DAY = 86_400_000;
    /** Heartbeats each minute; one of them stamped a day ahead by a wrong clock; then they stop. */
    async function heardWhileTheClockWasAhead(watchdog: Watchdog) {
      watchdog.start();
      watchdog.consume(alert('Watchdog'));
      await vi.advanceTimersByTimeAsync(60_000);
      const right = Date.now();
      vi.setSystemTime(right + DAY);
      watchdog.consume(alert('Watchdog'));
      vi.setSystemTime(right);
      for (let i = 0; i < 3; i++) {
        await vi.advanceTimersByTimeAsync(60_000);
        watchdog.consume(alert('Watchdog'));
      }
      return Date.now(); // the last heartbeat, by the right clock
    }

    it('the pipeline down after it is told a timeout after the last heartbeat, not a day later', async () => {
      const shared = new MemoryHeartbeats();
      const { watchdog, posted } = setup(undefined, shared);
      const last = await heardWhileTheClockWasAhead(watchdog);
      expect(watchdog.status().lastSeenAt).toBe(new Date(last).toISOString());
      await vi.advanceTimersByTimeAsync(TEN_MIN + 1_000);
      expect(posted.map((n) => n.status)).toEqual(['firing']);
    });

    it('the clock set right after the last heartbeat (stamped a day ahead): told within two timeouts, not a day later', async () => {
      const { watchdog, posted } = setup(undefined, new MemoryHeartbeats());
      watchdog.start();
      const right = Date.now();
      vi.setSystemTime(right + DAY);
      watchdog.consume(alert('Watchdog'));
      vi.setSystemTime(right);
      await vi.advanceTimersByTimeAsync(2 * TEN_MIN + 1_000);
      expect(posted.map((n) => n.status)).toEqual(['firing']);
    });

    it('a replica hearing no heartbeat itself is not kept quiet by the stamp a day ahead either', async () => {
      const [heard, deaf] = replicasSharing(new MemoryHeartbeats());
      deaf.watchdog.start();
      await heardWhileTheClockWasAhead(heard.watchdog);
      await vi.advanceTimersByTimeAsync(TEN_MIN + WATCHDOG_SHARED_POLL_MS);
      expect(deaf.posted.map((n) => n.status)).toEqual(['firing']);
    });
  });

  it('a timeout longer than Node\'s longest timer (30d) waits, instead of checking every millisecond', async () => {
    const fired = vi.fn();
    globalTimers.set(fired, 30 * 86_400_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(fired).toHaveBeenCalledTimes(1); // early, once: the watchdog's check re-arms for the rest
  });
});

/** Two replicas with the default watchdog sharing one heartbeat store. */
function replicasSharing(shared: Heartbeats): [ReturnType<typeof setup>, ReturnType<typeof setup>] {
  return [setup(undefined, shared), setup(undefined, shared)];
}

/**
 * A replica with its own connection to the shared heartbeat store: while the store is down every call fails and
 * no notice can be queued (the queue is in the same Redis). `afterRead` runs once, after its next read that worked.
 */
function replicaOn(shared: Heartbeats) {
  let down = false;
  let afterRead: (() => void) | undefined;
  const call = <T>(f: () => Promise<T>): Promise<T> => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : f());
  const heartbeats: Heartbeats = {
    record: (name, at, now) => call(() => shared.record(name, at, now)),
    lastSeen: async (name) => {
      const at = await call(() => shared.lastSeen(name));
      const then = afterRead;
      afterRead = undefined;
      then?.();
      return at;
    },
    toldOutage: (name) => call(() => shared.toldOutage(name)),
    setToldOutage: (name, outage) => call(() => shared.setToldOutage(name, outage)),
  };
  const replica = setup(undefined, heartbeats);
  return {
    ...replica,
    storeDown(v: boolean) {
      down = v;
      replica.refuse(v);
    },
    afterRead: (fn: () => void) => (afterRead = fn),
  };
}
