import type { ConfigIssue } from './issues.js';

/**
 * A secret still set to an example value (`change-me…`, as docker-compose's `config/compose/secrets/*`
 * ship): alertcord would run with a token anyone can read in the repository, so it refuses to start.
 */
const PLACEHOLDER = /^change[-_ ]?me(?![a-z0-9])/i;

/** One issue per secret (by its variable or YAML path) whose value is a placeholder; values are never quoted. */
export function placeholderIssues(secrets: Record<string, string | undefined>): ConfigIssue[] {
  return Object.entries(secrets)
    .filter(([, value]) => value !== undefined && PLACEHOLDER.test(value.trim()))
    .map(([path]) => ({ path, message: 'is still the example placeholder: set a secret of your own (e.g. openssl rand -hex 32)' }));
}
