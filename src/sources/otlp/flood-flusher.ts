import type { Logger } from 'pino';
import type { Intake } from '../../delivery/intake-types.js';
import type { OtlpFloodControl } from './flood.js';

/** How often folded counts and per-service summaries are sent between requests. */
export const OTLP_FLOOD_FLUSH_INTERVAL_MS = 5_000;

/**
 * Sends flood control's due summaries through intake, one flush at a time, on a timer between requests, so
 * a count or a summary never waits for the next record; what intake refuses is given back for the next
 * flush. `stop()` sends every count still open, so none is lost at shutdown.
 */
export function createFloodFlusher(deps: { flood: OtlpFloodControl; intake: Intake; logger: Logger }) {
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  const flush = async (now?: number): Promise<void> => {
    while (flushing) await flushing;
    flushing = (async () => {
      const due = deps.flood.flush(now);
      if (due.length === 0) return;
      const result = await deps.intake.accept(due).catch((err: unknown) => ({ ok: false as const, message: String(err), done: undefined }));
      if (result.ok) return;
      deps.flood.refused(due, result.done);
      deps.logger.warn({ summaries: due.length, reason: result.message }, 'OTLP flood summaries not queued; retried on the next flush');
    })().finally(() => (flushing = undefined));
    return flushing;
  };
  return {
    flush,
    start(): void {
      timer = setInterval(() => void (flushing ?? flush()), OTLP_FLOOD_FLUSH_INTERVAL_MS).unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush(Number.POSITIVE_INFINITY);
    },
  };
}
