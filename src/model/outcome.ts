/** Why a delivery attempt failed, the classifier's vocabulary (metrics label, history, logs). */
export type FailureReason =
  | 'throttled'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'invalid_body'
  | 'broken_webhook'
  | 'cloudflare_ban'
  | 'no_webhook'
  | 'unexpected';

export type OutcomeStatus = 'sent' | 'failed' | 'dead_lettered' | 'dry_run' | 'skipped' | 'deduplicated';

/** What finally happened to one notification. */
export interface DeliveryOutcome {
  notificationId: string;
  status: OutcomeStatus;
  attempts: number;
  responseTimeMs?: number;
  messageIds: string[];
  reason?: FailureReason;
  error?: string;
  at: number;
}
