/**
 * Per-webhook circuit breaker: after `failureThreshold` consecutive failures stop sending for `cooldownMs`,
 * then let ONE probe through; its success closes the circuit, its failure opens it for another cooldown.
 * Only real failures count (5xx, timeouts, network): a 429 is not a failure, so callers do not report it
 * (architecture "Delivery semantics"). State is a plain object so a Redis store can share it across replicas.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe (default 60 s). */
  cooldownMs?: number;
  /**
   * How long a granted probe holds the half-open slot with no outcome reported (default: `cooldownMs`).
   * A probe that got a 429 (not reported) or whose worker died must not wedge the breaker half-open.
   */
  probeLeaseMs?: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOLDOWN_MS = 60_000;

/** The serialisable state (`toJSON()` / `fromJSON()`). Times are epoch ms. */
export interface CircuitBreakerSnapshot {
  consecutiveFailures: number;
  /** When the circuit last opened; `null` while closed. */
  openedAt: number | null;
  /** When the current half-open probe was granted; `null` when none is out. */
  probeAt: number | null;
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One webhook's breaker. Time is passed in (`now`, epoch ms). */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly probeLeaseMs: number;
  #failures = 0;
  #openedAt: number | null = null;
  #probeAt: number | null = null;

  /** @throws RangeError on a threshold that is not a whole number ≥ 1 or a negative time (config bugs). */
  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.probeLeaseMs = options.probeLeaseMs ?? this.cooldownMs;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a whole number >= 1, got ${this.failureThreshold}`);
    }
    if (!(this.cooldownMs >= 0) || !(this.probeLeaseMs >= 0)) throw new RangeError('cooldownMs and probeLeaseMs must be >= 0');
  }

  /** Rebuild from a snapshot (e.g. read from Redis); malformed fields fall back to "closed". */
  static fromJSON(snapshot: Partial<CircuitBreakerSnapshot>, options: CircuitBreakerOptions = {}): CircuitBreaker {
    const breaker = new CircuitBreaker(options);
    const failures = snapshot.consecutiveFailures;
    breaker.#failures = typeof failures === 'number' && Number.isInteger(failures) && failures > 0 ? failures : 0;
    breaker.#openedAt = finiteOrNull(snapshot.openedAt);
    breaker.#probeAt = breaker.#openedAt === null ? null : finiteOrNull(snapshot.probeAt);
    return breaker;
  }

  toJSON(): CircuitBreakerSnapshot {
    return { consecutiveFailures: this.#failures, openedAt: this.#openedAt, probeAt: this.#probeAt };
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** When the circuit last opened (epoch ms); `undefined` while closed. */
  get openedAt(): number | undefined {
    return this.#openedAt ?? undefined;
  }

  /** `open` during the cooldown, `half_open` after it (until an outcome), else `closed`. */
  state(now: number): BreakerState {
    if (this.#openedAt === null) return 'closed';
    return now < this.#openedAt + this.cooldownMs ? 'open' : 'half_open';
  }

  /**
   * May a request go now? Closed: yes. Open: no. Half-open: yes for exactly one probe (this call takes the
   * slot), no for everyone else until its outcome is reported or its lease runs out.
   */
  canPass(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.#probeAt !== null && now < this.#probeAt + this.probeLeaseMs) return false;
    this.#probeAt = now;
    return true;
  }

  /** A request succeeded: close the circuit, forget failures. */
  onSuccess(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#probeAt = null;
  }

  /** A request failed (not a 429): count it; open at the threshold; a failed half-open probe re-opens. */
  onFailure(now: number): void {
    this.#failures += 1;
    const state = this.state(now);
    if (state === 'half_open' || (state === 'closed' && this.#failures >= this.failureThreshold)) {
      this.#openedAt = now;
      this.#probeAt = null;
    }
  }
}
