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
    /** Bound into every line (`{ queue }`), and the two messages. */
    private readonly about: { fields: Record<string, unknown>; failing: string; recovered: string },
  ) {}

  failed(err: unknown): void {
    const error = String(err);
    this.#since ??= this.now();
    if (error === this.#error) return;
    this.#error = error;
    this.logger.warn({ ...this.about.fields, err: error }, this.about.failing);
  }

  succeeded(): void {
    if (this.#since === undefined) return;
    this.logger.info({ ...this.about.fields, failedForMs: this.now() - this.#since }, this.about.recovered);
    this.#since = this.#error = undefined;
  }
}
