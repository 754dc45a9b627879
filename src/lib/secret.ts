const REDACTED = '[redacted]';

/**
 * A value that must never be printed: webhook URLs, tokens, passwords. Every way of turning it into
 * text (template strings, JSON, util.inspect, pino) yields "[redacted]"; only `reveal()` gives the value,
 * and only the code that needs it on the wire calls that.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret;
}
