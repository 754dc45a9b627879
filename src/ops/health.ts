import type { Runtime } from '../runtime.js';

export interface HealthReport {
  healthy: boolean;
  store: { kind: string; ok: boolean };
  dryRun?: string;
  webhooks: { alertType: string; webhookId?: string; configured: boolean; broken: boolean; breaker: string }[];
}

/**
 * The seed's health check: store reachable, and per alert type whether it has a webhook, whether that
 * webhook is marked broken, and its breaker state. Healthy means "can accept and deliver".
 */
export async function checkHealth(runtime: Runtime): Promise<HealthReport> {
  const config = runtime.config();
  const { ok } = await runtime.store.ping().catch(() => ({ ok: false }));
  const now = Date.now();
  const webhooks = [];
  for (const t of config.alertTypes.values()) {
    const id = t.webhook?.id;
    const status = id ? await runtime.state.status(id, t.rateLimit, now) : undefined;
    webhooks.push({ alertType: t.name, webhookId: id, configured: id !== undefined, broken: status?.broken !== undefined, breaker: status?.breaker.state ?? 'closed' });
  }
  return {
    healthy: ok && !config.discord.dryRunReason && webhooks.every((w) => !w.broken),
    store: { kind: runtime.store.kind, ok },
    dryRun: config.discord.dryRunReason,
    webhooks,
  };
}
