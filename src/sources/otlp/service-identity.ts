import type { Alert } from '../../model/alert.js';

/**
 * Which service an OTLP record comes from. A service is its identity, not its name alone: OpenTelemetry's
 * `service.namespace` and `service.name`, and the deployment environment (semantic conventions:
 * `deployment.environment.name`, formerly `deployment.environment`). Staging and production of one name are
 * two services: flood control counts them apart (flood.ts), and intake's dedupe and the records'
 * fingerprints tell them apart (dedupe-key.ts, parse.ts), or production's record a moment after staging's
 * identical one was dropped as its repeat (and the count notifications of both, keyed by fingerprint, as one).
 */
const SERVICE_IDENTITY = ['service.namespace', 'service.name', 'deployment.environment.name', 'deployment.environment'] as const;

/** The identity's attributes beside the name: those that tell one deployment of a service from another. */
const DEPLOYMENT = SERVICE_IDENTITY.filter((name) => name !== 'service.name');

/** The service's identity as one string: what flood control keeps a service's counts under. */
export function serviceScope(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(SERVICE_IDENTITY.map((name) => labels[name] ?? null));
}

/**
 * `parts` (which name the service by `service.name`) with the rest of the record's identity, when it has
 * any: the hash of a record without namespace or environment stays the one written before, so dedupe
 * claims that outlive an upgrade (Redis) still match.
 */
export function withDeployment(parts: unknown[], labels: Readonly<Record<string, string>>): unknown[] {
  const deployment = DEPLOYMENT.map((name) => labels[name] ?? null);
  return deployment.some((p) => p !== null) ? [...parts, deployment] : parts;
}

/**
 * What intake's dedupe tells an OTLP record from another by (routing/dedupe-key.ts): its service, severity,
 * title (its `eventName` when it has one) and body. Kept here, beside the attribute names it reads.
 */
export function recordIdentity(alert: Alert | undefined): unknown[] {
  return withDeployment([alert?.labels['service.name'], alert?.severity, alert?.title, alert?.message], alert?.labels ?? {});
}
