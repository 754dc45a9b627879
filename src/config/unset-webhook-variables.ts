/** `${NAME}` without a default (`${NAME:-…}` says the variable is optional); `$${` is a literal. */
const REQUIRED_VARIABLE = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Warnings for the alert types whose webhook the file writes as `${NAME}` and reads as empty because
 * alertcord's environment does not set NAME: the type then has no webhook of its own (it posts through
 * general's) without a word. The variable is often set where alertcord cannot see it: exported in the
 * shell that ran `check-config`, or added to .env after the start (a reload reads the file and the `*_FILE`
 * secrets again, never the environment). `raw` is the file as parsed, `interpolated` the same after `${…}`
 * and the environment's overrides, `env` the environment it was interpolated with.
 */
export function unsetWebhookVariables(raw: Record<string, unknown>, interpolated: Record<string, unknown>, env: Record<string, string | undefined>): string[] {
  const warnings: string[] = [];
  for (const [name, entry] of Object.entries(mapping(raw.alert_types))) {
    const written = mapping(entry).webhook;
    const read = mapping(mapping(interpolated.alert_types)[name]).webhook;
    if (typeof written !== 'string' || (typeof read === 'string' && read.trim() !== '')) continue;
    for (const [, variable] of written.matchAll(REQUIRED_VARIABLE)) {
      if ((env[variable!] ?? '') !== '') continue;
      warnings.push(
        `alert_types.${name}.webhook: \${${variable}} is not set in the environment alertcord started with, so alert type "${name}" has no webhook of its own ` +
          `(a reload does not read the environment again: restart with ${variable} set, or write the URL in the file; \${${variable}:-} marks it optional)`,
      );
    }
  }
  return warnings;
}

function mapping(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
