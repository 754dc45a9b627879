import { z } from 'zod';
import { Secret } from '../lib/secret.js';
import type { ConfigIssue } from './issues.js';
import { placeholderIssues } from './placeholder.js';

/** The ingest routes that can carry their own token: `/webhook/<source>` and `/v1/logs` (otlp). */
export const INGEST_SOURCES = ['alertmanager', 'grafana', 'generic', 'otlp'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** Where Grafana puts the signature unless told otherwise (Grafana docs, webhook notifier, "HMAC signature"). */
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';
/**
 * The name the doc comment of grafana/alerting's `NewHMACRoundTripper` (http/hmac.go) gives for an empty
 * header; its code falls back to `defaultHeaderName`, {@link GRAFANA_SIGNATURE_HEADER}. Accepted too while
 * no header name is configured, in case a Grafana build follows the comment.
 */
export const GRAFANA_SIGNATURE_HEADER_CODE_DEFAULT = 'X-Grafana-Alert-Signature';
/**
 * The headers a signature is read from: the configured one, or both default names. Configured as one of the
 * two defaults (the name Grafana's UI suggests) while Grafana's own *Header* field is left blank, a build
 * sending the other default had every post refused: naming a default accepts both.
 */
function signatureHeaders(configured: string | undefined): string[] {
  const defaults = [GRAFANA_SIGNATURE_HEADER, GRAFANA_SIGNATURE_HEADER_CODE_DEFAULT];
  if (!configured) return defaults;
  return defaults.some((d) => d.toLowerCase() === configured.toLowerCase()) ? defaults : [configured];
}

/** How far a signed timestamp may be from our clock, either way (replay window). */
export const GRAFANA_MAX_SKEW_MS = 5 * 60_000;

/** Grafana's HMAC-SHA256 signing of webhook bodies, as configured. */
export interface GrafanaHmacSettings {
  secret: Secret;
  /** Header names to read the hex signature from, in order (one when configured explicitly). */
  headers: string[];
  /** When set, Grafana put Unix seconds in this header and signed `timestamp + ":" + body`. */
  timestampHeader?: string;
  maxSkewMs: number;
}

/** Who may post to the ingest routes. Nothing set: anyone (the default, as before). */
export interface IngestAuthConfig {
  /** `INGEST_TOKEN`: bearer token or basic-auth password every ingest route needs. */
  token?: Secret;
  /** `sources.<name>.token`: overrides `token` for that route. */
  sourceTokens: Partial<Record<IngestSource, Secret>>;
  /** `GRAFANA_HMAC_SECRET` / `sources.grafana.hmac_secret`: turns on signature checks on /webhook/grafana. */
  grafanaHmac?: GrafanaHmacSettings;
}

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be an HTTP header name');
const tokenOnly = z.strictObject({ token: z.string().optional() });

/**
 * `sources:` in YAML (snake_case): per-source ingest tokens and Grafana's HMAC. Values are usually
 * `${ENV}`; an empty value (an unset variable) means "not set", as for webhooks.
 */
export const sourcesSchema = z
  .strictObject({
    alertmanager: tokenOnly.optional(),
    grafana: z
      .strictObject({
        token: z.string().optional(),
        hmac_secret: z.string().optional(),
        hmac_header: z.union([headerName, z.literal('')]).optional(),
        hmac_timestamp_header: z.union([headerName, z.literal('')]).optional(),
      })
      .optional(),
    generic: tokenOnly.optional(),
    otlp: tokenOnly.optional(),
  })
  .prefault({});
export type SourcesFileConfig = z.infer<typeof sourcesSchema>;

/** The environment variables read here (validated as plain strings by env.ts). */
export interface IngestAuthEnv {
  INGEST_TOKEN?: string;
  GRAFANA_HMAC_SECRET?: string;
  GRAFANA_HMAC_HEADER?: string;
  GRAFANA_HMAC_TIMESTAMP_HEADER?: string;
}

/**
 * Builds the ingest auth from `sources:` and the environment. The environment wins over YAML for the same
 * setting, as everywhere else; a per-source token wins over INGEST_TOKEN. Issues never quote a value.
 */
export function buildIngestAuth(file: SourcesFileConfig, env: IngestAuthEnv): { auth: IngestAuthConfig; issues: ConfigIssue[]; warnings: string[] } {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const sourceTokens: Partial<Record<IngestSource, Secret>> = {};
  for (const source of INGEST_SOURCES) {
    const entry = file[source];
    const token = entry?.token?.trim();
    if (token) sourceTokens[source] = new Secret(token);
    else if (entry && 'token' in entry) warnings.push(`sources.${source}.token is empty (unset variable?): ${source} uses INGEST_TOKEN, or no token when that is unset too`);
  }
  const grafana = file.grafana ?? {};
  const secret = env.GRAFANA_HMAC_SECRET?.trim() || grafana.hmac_secret?.trim();
  const header = env.GRAFANA_HMAC_HEADER?.trim() || grafana.hmac_header?.trim();
  const timestampHeader = env.GRAFANA_HMAC_TIMESTAMP_HEADER?.trim() || grafana.hmac_timestamp_header?.trim();
  for (const [name, value] of [['GRAFANA_HMAC_HEADER', env.GRAFANA_HMAC_HEADER], ['GRAFANA_HMAC_TIMESTAMP_HEADER', env.GRAFANA_HMAC_TIMESTAMP_HEADER]] as const) {
    if (value?.trim() && !headerName.safeParse(value.trim()).success) issues.push({ path: name, message: 'must be an HTTP header name' });
  }
  if (!secret && (header || timestampHeader)) {
    warnings.push('a Grafana HMAC header is configured but no secret (GRAFANA_HMAC_SECRET / sources.grafana.hmac_secret): signatures are not checked');
  }
  const ingestToken = env.INGEST_TOKEN?.trim();
  const grafanaSecretPath = env.GRAFANA_HMAC_SECRET?.trim() ? 'GRAFANA_HMAC_SECRET' : 'sources.grafana.hmac_secret';
  issues.push(
    ...placeholderIssues({
      INGEST_TOKEN: ingestToken,
      [grafanaSecretPath]: secret,
      ...Object.fromEntries(Object.entries(sourceTokens).map(([source, token]) => [`sources.${source}.token`, token.reveal()])),
    }),
  );
  const auth: IngestAuthConfig = {
    ...(ingestToken ? { token: new Secret(ingestToken) } : {}),
    sourceTokens,
    ...(secret
      ? {
          grafanaHmac: {
            secret: new Secret(secret),
            headers: signatureHeaders(header),
            ...(timestampHeader ? { timestampHeader } : {}),
            maxSkewMs: GRAFANA_MAX_SKEW_MS,
          },
        }
      : {}),
  };
  return { auth, issues, warnings };
}
