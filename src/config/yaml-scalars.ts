import { z } from 'zod';

/**
 * YAML scalars as the config reads them: `${VAR}` interpolation yields text, so a number or a boolean may
 * come as a string. Shared by every schema of the config file (config/, and routing/'s routes).
 */

/** A number written as text, in decimal: not `0x1e`, `0b101` or `1e4`, which `Number()` would also read. */
export const DECIMAL_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * A number as YAML writes it, or as text: `port: ${PORT:-8080}` reads as 8080. Text that is not a decimal
 * number is left for `check` to report.
 */
export const yamlNumber = (check: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && DECIMAL_TEXT.test(v) ? Number(v) : v), check);

/** A boolean as YAML writes it, or the text `true` / `false` (`continue: ${FANOUT:-false}`). */
export const yamlBoolean = () => z.preprocess((v) => (typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? v.trim().toLowerCase() === 'true' : v), z.boolean());
