import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { checkAlertmanagerConfig } from '../helpers/alertmanager.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/**
 * The packages src/ loads at run time (what dist/ imports): every import and export `from`, side-effect and
 * dynamic import of a bare specifier, but `import type` / `export type` (erased). `import { type X }` counts:
 * with verbatimModuleSyntax it stays as `import {} from`.
 */
function runtimePackages(): Set<string> {
  const files = (readdirSync(new URL('../../src', import.meta.url), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const names = new Set<string>();
  for (const file of files) {
    const code = read(`src/${file}`);
    const specifiers = [
      ...[...code.matchAll(/^\s*(?:import|export)\s+(type\s)?[^;'"]*?\sfrom\s+'([^']+)'/gm)].filter((m) => !m[1]).map((m) => m[2]!),
      ...[...code.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]!),
      ...[...code.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specifiers) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      names.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return names;
}

describe('packaging files (no Docker engine here: checked as files)', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Record<string, unknown>> };

  it('docker-compose.yml parses and wires alertcord, Redis with AOF, Alertmanager and Prometheus', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertcord', 'alertmanager', 'prometheus', 'redis']);
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(compose.services.alertcord?.stop_grace_period).toBe('15s');
    expect((compose.services.alertcord?.environment as Record<string, string>).REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
  });

  // README "Hot reload": log level, rate limits, dry run … are live, read from the mounted config. A variable
  // set in the compose file wins over the file without a word (the environment overrides it), so the operator
  // who sets log_level: debug in config/compose/alertcord.yaml at 3 a.m. and saves saw "config reloaded" and
  // nothing change. Only the secrets, the store and where the config is may come from compose's environment.
  it("compose's alertcord environment pins no setting of the mounted config (a reload must be able to change it)", () => {
    const environment = Object.keys(compose.services.alertcord?.environment as Record<string, string>);
    const pinning = ['HOST', 'PORT', 'LOG_LEVEL', 'DRY_RUN', 'DISCORD_RATE_LIMIT', 'DISCORD_QUEUE_SIZE', 'DISCORD_RETRY_ATTEMPTS', 'DISCORD_TIMEOUT_SECONDS', 'DISCORD_ALLOWED_HOSTS'];
    expect(environment.filter((name) => pinning.includes(name))).toEqual([]);
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

  // The image installs `npm ci --omit=dev` and runs dist/: a package src/ imports that is only a devDependency
  // builds and passes every test here, and the container dies at start (ERR_MODULE_NOT_FOUND).
  // The library is installed as a package (README): it must carry what `import 'alertcord'` and the CLI need,
  // and not the tests, the bench, the sources or compose's example secrets (it shipped all of them).
  it('the npm package holds the build, the shipped config, the examples and README, nothing else', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: new URL('../../', import.meta.url), encoding: 'utf8' });
    const paths = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'package.json', 'config/alertcord.yaml', 'config/examples/send-alert.sh', 'config/examples/alertcord-rules.yml']));
    expect(paths.filter((p) => !/^(dist\/|config\/alertcord\.yaml$|config\/examples\/|README\.md$|package\.json$)/.test(p))).toEqual([]);
  });

  it('every package src/ imports at run time is a production dependency (the image has no others)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const used = runtimePackages();
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
    expect(read('Dockerfile')).toMatch(/npm ci --omit=dev/);
  });

  // README's Docker section: mount your config's directory over the image's CONFIG_FILE directory (a single-file
  // mount misses an editor's save, so nothing reloads), as the Dockerfile says too.
  it("README's docker run mounts a directory over the directory of the image's CONFIG_FILE", () => {
    const configFile = /CONFIG_FILE=(\S+)/.exec(read('Dockerfile'))?.[1];
    expect(configFile).toBe('/etc/alertcord/alertcord.yaml');
    const dir = configFile!.slice(0, configFile!.lastIndexOf('/'));
    const readme = read('README.md');
    const docker = readme.slice(readme.indexOf('With Docker'), readme.indexOf('`docker-compose.yml` runs'));
    expect(docker).toContain(`\`${configFile}\``);
    expect(docker).toContain(`-v "$PWD/my-config:${dir}:ro"`);
    expect(read('Dockerfile')).toContain(`mount the directory of your own over ${dir}`);
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
