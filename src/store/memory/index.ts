import type { Store } from '../types.js';
import { MemoryDeadLetters } from './dead-letters.js';
import { MemoryHeartbeats } from './heartbeats.js';
import { MemoryHistory } from './history.js';
import { MemoryQueue } from './queue.js';
import { MemoryPingMarks } from './ping-marks.js';
import { MemoryStats } from './stats.js';

export interface MemoryStoreOptions {
  queueSize: number;
  historyMaxEntries: number;
  historyRetentionMs: number;
  now?: () => number;
}

/** The embedded default store: everything in this process, bounded, gone on exit. */
export function createMemoryStore(options: MemoryStoreOptions): Store {
  return {
    kind: 'memory',
    queue: new MemoryQueue({ maxPerQueue: options.queueSize, now: options.now }),
    deadLetters: new MemoryDeadLetters(),
    history: new MemoryHistory({ maxEntries: options.historyMaxEntries, retentionMs: options.historyRetentionMs, now: options.now }),
    stats: new MemoryStats({ retentionMs: options.historyRetentionMs, now: options.now }),
    heartbeats: new MemoryHeartbeats(),
    pingMarks: new MemoryPingMarks({ now: options.now }),
    ping: async () => ({ ok: true }),
    close: async () => undefined,
  };
}
