import type { Secret } from '../lib/secret.js';
import type { Route } from '../routing/rules.js';
import type { Webhook } from './webhook-url.js';

export type RateLimitAlgorithm = 'token_bucket' | 'sliding_window';

export interface RateLimitSettings {
  algorithm: RateLimitAlgorithm;
  perMinute: number;
  burst: number;
}

export interface MentionSettings {
  here: boolean;
  everyone: boolean;
  roles: string[];
  users: string[];
}

/** One alert type after config loading: where it goes and how it looks. */
export interface AlertTypeConfig {
  name: string;
  /** Its own webhook, or the general one it falls back to; undefined when none is configured at all. */
  webhook?: Webhook;
  /** True when this type has no webhook of its own and uses general's. */
  fallsBackToGeneral: boolean;
  color: number;
  username?: string;
  avatarUrl?: string;
  threadId?: string;
  threadName?: string;
  mentions: MentionSettings;
  rateLimit: RateLimitSettings;
}

/** The whole, validated configuration the server and library run on. */
export interface Config {
  server: {
    host: string;
    port: number;
    bodyLimit: number;
    maxJsonDepth: number;
    requestTimeoutMs: number;
    shutdownDeadlineMs: number;
  };
  discord: {
    queueSize: number;
    retryAttempts: number;
    timeoutMs: number;
    allowedHosts: string[];
    breaker: { failureThreshold: number; cooldownMs: number };
    /** Why we run dry (no webhook, or DRY_RUN); undefined when delivering for real. */
    dryRunReason?: string;
  };
  alertTypes: Map<string, AlertTypeConfig>;
  routes: Route[];
  dedupe: { windowMs: number };
  history: { maxEntries: number; retentionMs: number };
  logLevel: string;
  admin: { token?: Secret };
  /** Where the config came from, for logs and /readyz. */
  source: { file?: string };
}
