import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Python logging's level names, which the service this one replaced used (`LOG_LEVEL=WARNING` in an old
 * .env keeps working): mapped to pino's.
 */
const PYTHON_NAMES: Readonly<Record<string, LogLevel>> = { warning: 'warn', critical: 'fatal', notset: 'trace' };

/**
 * `log_level` / `LOG_LEVEL`: pino's level names in any case (`INFO`, `Debug`), or Python's. An unknown name
 * still fails the load with the names it accepts.
 */
export const logLevelSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => PYTHON_NAMES[v] ?? v)
  .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')} (any case; Python's WARNING, CRITICAL too)` }));
