/**
 * The seed's six alert types. Users may define more in YAML; an alert type is therefore a string,
 * and these are the built-ins that always exist.
 */
export const BUILTIN_ALERT_TYPES = ['general', 'error', 'critical', 'tracklist', 'monitoring', 'security'] as const;
export type BuiltinAlertType = (typeof BUILTIN_ALERT_TYPES)[number];
export type AlertType = BuiltinAlertType | (string & {});

/** The seed's enum spelling (AlertType.ERROR …), kept for library users coming from the Python service. */
export const AlertTypes = {
  GENERAL: 'general',
  ERROR: 'error',
  CRITICAL: 'critical',
  TRACKLIST: 'tracklist',
  MONITORING: 'monitoring',
  SECURITY: 'security',
} as const satisfies Record<string, BuiltinAlertType>;
