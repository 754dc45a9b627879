import type { Runtime } from '../runtime.js';

export interface HealthReport {
  healthy: boolean;
  store: { kind: string; ok: boolean };
  dryRun?: string;
  webhooks: { alertType: string; webhookId?: string; configured: boolean; broken: boolean; breaker: string }[];
}

/**
 * The seed's health check: store reachable, and per alert type whether it has a webhook, whether that
 * webhook is marked broken, and its breaker state. Healthy means "can accept and deliver": a type with no
 * webhook at all (its own unset and no general to fall back to) dead-letters every send, so it is not.
 */
export async function checkHealth(runtime: Runtime): Promise<HealthReport> {
  const config = runtime.config();
  const { ok } = await runtime.store.ping().catch(() => ({ ok: false }));
  const now = runtime.now(); // the clock the breaker opened by
  const webhooks = [];
  for (const t of config.alertTypes.values()) {
    const id = t.webhook?.id;
    // A store that does not answer (Redis down, or closed by `close()`) cannot say the breaker state or a
    // broken mark: 'unknown', not a throw (the report exists to say the store is down), and not asked per
    // type (each ask would wait out the command timeout).
    const status = id && ok ? await runtime.state.status(id, t.rateLimit, now).catch(() => undefined) : undefined;
    const breaker = status?.breaker.state ?? (id === undefined ? 'closed' : 'unknown');
    webhooks.push({ alertType: t.name, webhookId: id, configured: id !== undefined, broken: status?.broken !== undefined, breaker });
  }
  return {
    healthy: ok && !config.discord.dryRunReason && webhooks.every((w) => w.configured && !w.broken),
    store: { kind: runtime.store.kind, ok },
    dryRun: config.discord.dryRunReason,
    webhooks,
  };
}
