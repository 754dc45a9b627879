import type { Reply } from './reply.js';
import type { FakeStats, RecordedMessage, RecordedRequest } from './types.js';

interface Waiter {
  readonly count: number;
  readonly resolve: (messages: RecordedMessage[]) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Fresh zeroed counters. */
export function emptyStats(): FakeStats {
  return {
    requests: 0,
    byStatus: {},
    status2xx: 0,
    status400: 0,
    status401: 0,
    status404: 0,
    status429: 0,
    status5xx: 0,
    resets: 0,
    hangs: 0,
    messages: 0,
  };
}

/**
 * What the fake saw: every request, the stored messages, counters by status, and the waiters of
 * `waitForMessages`. Arrays and the stats object are cleared in place, so references stay live.
 */
export class Recorder {
  readonly messages: RecordedMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly stats: FakeStats = emptyStats();
  private readonly waiters = new Set<Waiter>();
  private seq = 0;

  /** Records a new request (pending until answered). */
  begin(init: Omit<RecordedRequest, 'seq' | 'status' | 'responseHeaders' | 'responseBody' | 'outcome'>): RecordedRequest {
    this.seq += 1;
    const record: RecordedRequest = {
      ...init,
      seq: this.seq,
      status: null,
      responseHeaders: {},
      responseBody: undefined,
      outcome: 'pending',
    };
    this.requests.push(record);
    this.stats.requests += 1;
    return record;
  }

  /** Marks a request answered with `reply` and counts its status. */
  answered(record: RecordedRequest, reply: Reply): void {
    record.status = reply.status;
    record.responseHeaders = { ...reply.headers };
    record.responseBody = reply.body;
    record.outcome = 'answered';
    const s = reply.status;
    this.stats.byStatus[s] = (this.stats.byStatus[s] ?? 0) + 1;
    if (s >= 200 && s < 300) this.stats.status2xx += 1;
    if (s === 400) this.stats.status400 += 1;
    if (s === 401) this.stats.status401 += 1;
    if (s === 404) this.stats.status404 += 1;
    if (s === 429) this.stats.status429 += 1;
    if (s >= 500) this.stats.status5xx += 1;
  }

  /** Marks a request whose socket was destroyed without an answer. */
  reset(record: RecordedRequest): void {
    record.outcome = 'reset';
    this.stats.resets += 1;
  }

  /** Marks a request that will never be answered. */
  hang(record: RecordedRequest): void {
    record.outcome = 'hang';
    this.stats.hangs += 1;
  }

  /** Stores a message and wakes the waiters it satisfies. */
  store(message: RecordedMessage): void {
    this.messages.push(message);
    this.stats.messages += 1;
    for (const waiter of this.waiters) {
      if (this.messages.length >= waiter.count) this.settle(waiter, null);
    }
  }

  /** Resolves with the stored messages once at least `count` are stored; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<RecordedMessage[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(waiter, new Error(this.timeoutText(count, timeoutMs))), timeoutMs);
      const waiter: Waiter = { count, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every waiter (the fake is closing). */
  rejectWaiters(reason: string): void {
    for (const waiter of this.waiters) this.settle(waiter, new Error(reason));
  }

  /** Forgets messages, requests and counters (waiters stay). */
  clear(): void {
    this.messages.length = 0;
    this.requests.length = 0;
    Object.assign(this.stats, emptyStats());
  }

  private settle(waiter: Waiter, error: Error | null): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (error === null) waiter.resolve([...this.messages]);
    else waiter.reject(error);
  }

  private timeoutText(count: number, timeoutMs: number): string {
    const pending = this.requests.filter((r) => r.outcome !== 'answered').length;
    return (
      `fake-discord: waited ${timeoutMs} ms for ${count} message(s), got ${this.messages.length}; ` +
      `${this.stats.requests} request(s), by status ${JSON.stringify(this.stats.byStatus)}, ` +
      `${pending} unanswered (reset/hang/pending)`
    );
  }
}
