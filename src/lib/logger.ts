import pino, { type Logger } from 'pino';

/** Paths pino blanks in every log line: headers and fields that can carry credentials or webhook URLs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-grafana-alerting-signature"]',
  'headers.authorization',
  'authorization',
  'webhook',
  'webhookUrl',
  'url',
  'token',
  'password',
  '*.webhook',
  '*.webhookUrl',
  '*.url',
  '*.token',
  '*.password',
  // ioredis' ReplyError keeps the failed command: a failed AUTH's arguments are the password.
  'err.command.args',
  '*.command.args',
];

/**
 * The root logger (the one allowed module-level singleton is created by main, not here). Secrets are a
 * `Secret` type that serialises as "[redacted]"; `redact` is the second net for plain strings.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'alertcord' } }, destination);
}

export type { Logger };
