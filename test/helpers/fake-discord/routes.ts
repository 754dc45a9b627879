/** A request to `/api[/vN]/webhooks/{id}/{token}`. */
export interface WebhookRoute {
  readonly webhookId: string;
  readonly token: string;
  /** N of `/vN/`, or null for the unversioned path users paste. */
  readonly apiVersion: number | null;
  readonly query: URLSearchParams;
}

const WEBHOOK_PATH = /^\/api(?:\/v(\d+))?\/webhooks\/([^/]+)\/([^/]+)\/?$/;

/** Parses a request URL; null when it is not an execute/get-webhook path. */
export function parseRoute(rawUrl: string): WebhookRoute | null {
  const url = new URL(rawUrl, 'http://fake-discord.invalid');
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (match === null) return null;
  const [, version, webhookId, token] = match;
  if (webhookId === undefined || token === undefined) return null;
  return {
    webhookId: decodeURIComponent(webhookId),
    token: decodeURIComponent(token),
    apiVersion: version === undefined ? null : Number(version),
    query: url.searchParams,
  };
}
