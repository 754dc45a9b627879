/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML tree with environment
 * values. Done on parsed values, not the raw text, so a variable's content can never change the YAML
 * structure. An unset variable without default becomes "" (an unset webhook is "not configured").
 * `$${` escapes a literal `${`.
 */
export function interpolateEnv(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolateString(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateEnv(v, env));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env);
    return out;
  }
  return value;
}

function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, escaped, name, fallback) => {
    if (escaped) return whole.slice(1);
    const found = env[name as string];
    return found !== undefined && found !== '' ? found : ((fallback as string | undefined) ?? '');
  });
}

/**
 * The variable names a parsed YAML tree references as `${NAME}` (escaped `$${` excluded), so their
 * `NAME_FILE` variants can be read too: a per-source token written `${AM_TOKEN}` may come from a
 * container secret file, like every built-in secret.
 */
export function referencedVariables(value: unknown, out = new Set<string>()): string[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)) if (!m[1] && m[2]) out.add(m[2]);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedVariables(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) referencedVariables(v, out);
  }
  return [...out];
}
