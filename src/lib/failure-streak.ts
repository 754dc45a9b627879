import type { Logger } from 'pino';

/**
 * Logs an operation retried in a loop as architecture.md asks of retries: one warning when it starts
 * failing, another only when the error changes, and one info line when it works again, saying how long it
 * failed. A store outage then costs a queue's worker two or three lines, not one every second or two.
 */
export class FailureStreak {
  #since: number | undefined;
  #error: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    /** Bound into every line (`{ queue }`), the two messages, and the failing line's level (default warn). */
    private readonly about: { fields: Record<string, unknown>; failing: string; recovered: string; level?: 'warn' | 'error' },
  ) {}

  /**
   * `key`: what makes two errors the same one (default: their text). An answer whose text differs each time
   * (a Cloudflare error page names a Ray ID per request, a 429 its own wait) gives a steadier key.
   */
  failed(err: unknown, key = String(err)): void {
    this.#since ??= this.now();
    if (key === this.#error) return;
    this.#error = key;
    this.logger[this.about.level ?? 'warn']({ ...this.about.fields, err: String(err) }, this.about.failing);
  }

  succeeded(): void {
    if (this.#since === undefined) return;
    this.logger.info({ ...this.about.fields, failedForMs: this.now() - this.#since }, this.about.recovered);
    this.#since = this.#error = undefined;
  }
}
