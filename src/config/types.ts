import type { Secret } from '../lib/secret.js';
import type { Severity } from '../model/severity.js';
import type { Route } from '../routing/rules.js';
import type { IngestAuthConfig } from './ingest-auth.js';
import type { WatchdogConfig } from './watchdog.js';
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

/** Whether an enqueue waits for Redis to fsync its AOF (`WAITAOF`, Redis ≥ 7.2) before the 2xx. */
export type RedisDurability = 'none' | 'fsync';

/** The Redis store, selected by REDIS_URL / REDIS_HOST or `store.redis.url`. */
export interface RedisStoreConfig {
  kind: 'redis';
  /** The full connection URL, credentials included: only the store's connection reveals it. */
  url: Secret;
  /** `host:port` without credentials, for logs and /readyz. */
  address: string;
  db: number;
  tls: boolean;
  keyPrefix: string;
  visibilityTimeoutMs: number;
  commandTimeoutMs: number;
  durability: RedisDurability;
}

/** Where queues, dead letters and history live: in this process (default), or in Redis. */
export type StoreConfig = { kind: 'memory' } | RedisStoreConfig;

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
  store: StoreConfig;
  logLevel: string;
  admin: { token?: Secret };
  /** Who may post to the ingest routes: INGEST_TOKEN, per-source tokens, Grafana's HMAC. */
  ingest: IngestAuthConfig;
  /** Where the config came from, for logs and /readyz. */
  source: { file?: string };
  /** The dead man's switch; undefined when off. */
  watchdog?: WatchdogConfig;
  /** OTLP/HTTP logs: records below `minSeverity` are dropped; flood control's window and per-service cap. */
  otlp: OtlpConfig;
}

/** `otlp` in the YAML. */
export interface OtlpConfig {
  minSeverity: Severity;
  flood: { windowMs: number; perServicePerMinute: number };
}
