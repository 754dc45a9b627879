import type { RateLimitSettings } from '../../src/config/types.js';
import type { GateReason, WebhookState } from '../../src/delivery/webhook-state.js';

/** The options both stores take; a store under contract must honour them. */
export interface WebhookStateContractOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  globalPerSecond?: number;
}

/** A fresh, empty state per call (a test may ask for options), and how to dispose of it. */
export type MakeWebhookState = (options?: WebhookStateContractOptions) => Promise<{ state: WebhookState; cleanup(): Promise<void> }>;

export const T0 = 1_700_000_000_000;
export const A = 'webhook-a';
export const B = 'webhook-b';
/** The default: 30 per minute, all of them at once. */
export const LIMITS: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 30, burst: 30 };
/** Generous enough never to refuse in tests about other checks. */
export const WIDE: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 600, burst: 600 };

/** Acquires until refused, each request answered at once (its global slot then frees a second later); how many went. */
export async function drain(state: WebhookState, id: string, limits: RateLimitSettings, now: number): Promise<number> {
  let sent = 0;
  while ((await state.acquire(id, limits, now)).ok) {
    sent++;
    await state.onResponse(id, undefined, now);
  }
  return sent;
}

/** Five failures: the default threshold. */
export async function openBreaker(state: WebhookState, id: string, now: number): Promise<void> {
  for (let i = 0; i < 5; i++) await state.onFailure(id, 'server_error', 'HTTP 502', now);
}

/** A refusal for `reason`; with `waitMs` when the test pins it. */
export function refused(reason: GateReason, waitMs?: number): Record<string, unknown> {
  return waitMs === undefined ? { ok: false, reason } : { ok: false, reason, waitMs };
}

/** A state under test, built with `options`; disposed of after the test. */
export type OpenWebhookState = (options?: WebhookStateContractOptions) => Promise<WebhookState>;

