import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { checkAlertmanagerConfig } from '../helpers/alertmanager.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('packaging files (no Docker engine here: checked as files)', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Record<string, unknown>> };

  it('docker-compose.yml parses and wires alertcord, Redis with AOF, Alertmanager and Prometheus', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertcord', 'alertmanager', 'prometheus', 'redis']);
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(compose.services.alertcord?.stop_grace_period).toBe('15s');
    expect((compose.services.alertcord?.environment as Record<string, string>).REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
  });

  it('the compose Alertmanager config passes amtool check-config and posts to alertcord with bearer auth', async () => {
    const yaml = read('config/compose/alertmanager.yml');
    const result = await checkAlertmanagerConfig(yaml.replace('/etc/alertmanager/alertcord-token', new URL('../../config/compose/secrets/ingest_token', import.meta.url).pathname));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
    expect(yaml).toContain('http://alertcord:8080/webhook/alertmanager');
  });

  it('the compose alertcord.yaml and the Prometheus config are valid', () => {
    const result = loadConfig({ yaml: read('config/compose/alertcord.yaml'), env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/t' } });
    expect(result.ok).toBe(true);
    const prom = parse(read('config/compose/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    expect(prom.scrape_configs[0]?.job_name).toBe('alertcord');
  });

  it('the Dockerfile is multi-stage, non-root, with a HEALTHCHECK on /healthz', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    // Environment wins over the config file: an image HOST/PORT would override a mounted server.port.
    expect(dockerfile).not.toMatch(/^(ENV\s+|\s+)(HOST|PORT)=/m);
  });
});
