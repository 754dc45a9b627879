import { redactUrls } from '../lib/redact-urls.js';

/** One configuration problem: where (a YAML path like `alert_types.error.webhook`, or an env variable) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Thrown by the loader at start when the configuration is invalid; carries every problem at once. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Converts zod issues to ours, paths dotted (`routes.2.match.0`), with an optional prefix. Zod quotes keys
 * it does not know (`Unrecognized key: "…"`) and puts record keys in the path: a webhook URL written as a
 * key (`general: { https://discord.com/api/webhooks/1/TOKEN }`) would be printed, so URLs are redacted.
 */
export function fromZodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix = ''): ConfigIssue[] {
  return issues.map((i) => ({
    path: redactUrls([prefix, ...i.path.map(String)].filter(Boolean).join('.')) || '(root)',
    message: redactUrls(i.message),
  }));
}
