/**
 * `npm run bench:compare -- <git-ref> [--redis] [--rounds N]`: the ingest scenario's load (3-alert
 * Alertmanager bodies, each unique, Discord paused) on the working tree's alertcord and on `<git-ref>`'s,
 * in one run, rounds interleaved A B B A …. Prints requests/s and CPU per request (all threads of the
 * process) for each build. On this VM a whole run can be a third slower than the one before, so a change
 * is judged only against its base measured alongside it (how the LZ4 backlog was measured, issue 5).
 * Writes no results file. The ref's src/ is compiled against the dependencies installed now.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeDiscord } from '../test/helpers/fake-discord/index.js';
import { buildOtherSource } from './build.js';
import { startAlertcord, type ChildServer } from './child.js';
import { int } from './format.js';
import { loadRound, type LoadOptions } from './load.js';
import { REPO_ROOT } from './paths.js';
import { uniqueBodies } from './payloads.js';
import { benchRedis } from './redis-support.js';
import { WEBHOOK, webhookEnv } from './storm.js';

const ROUND_S = 5;
const WARMUP_S = 3;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { redis: { type: 'boolean', default: false }, rounds: { type: 'string', default: '6' } } });
const ref = positionals[0] ?? 'HEAD';
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 2) throw new Error('--rounds must be an integer ≥ 2');

const exported = mkdtempSync(join(tmpdir(), 'alertcord-compare-'));
const archive = spawnSync('sh', ['-c', 'git archive "$1" src | tar -x -C "$2"', 'sh', ref, exported], { cwd: REPO_ROOT, encoding: 'utf8' });
if (archive.status !== 0) throw new Error(`cannot export src/ of ${ref}: ${archive.stderr.trim()}`);
const baseMain = buildOtherSource(join(exported, 'src'), 'base');
rmSync(exported, { recursive: true, force: true });

const redis = values.redis ? await benchRedis() : undefined;
if (redis && 'skip' in redis) throw new Error(redis.skip);
const fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
fake.setPaused(true);
const env = (db: number): Record<string, string> => ({
  ...webhookEnv(fake),
  DISCORD_QUEUE_SIZE: '5000000',
  DISCORD_TIMEOUT_SECONDS: '300',
  ...(redis ? { REDIS_URL: `${redis.url}/${db}` } : {}),
});
const builds: { name: string; server: ChildServer; ok: number; seconds: number; cpuMs: number }[] = [];
try {
  builds.push({ name: ref, server: await startAlertcord(env(1), baseMain), ok: 0, seconds: 0, cpuMs: 0 });
  builds.push({ name: 'working tree', server: await startAlertcord(env(2)), ok: 0, seconds: 0, cpuMs: 0 });
  const opts: LoadOptions = { path: '/webhook/alertmanager', durationS: ROUND_S, connections: 10, body: uniqueBodies(3) };
  for (const b of builds) await loadRound(b.server, { ...opts, durationS: WARMUP_S });
  for (let i = 0; i < rounds; i++) {
    // A B, then B A: each build gets as many first and second places (a round heats the machine for the next).
    for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
      const cpuBefore = b.server.cpuMs();
      const round = await loadRound(b.server, opts);
      const cpuMs = b.server.cpuMs() - cpuBefore;
      b.ok += round.ok;
      b.seconds += round.seconds;
      b.cpuMs += cpuMs;
      console.log(`round ${i + 1} ${b.name}: ${int(round.ok / round.seconds)} req/s, ${int((cpuMs * 1000) / round.ok)} µs CPU per request`);
    }
  }
  const [base, head] = builds.map((b) => ({ name: b.name, rate: b.ok / b.seconds, cpu: (b.cpuMs * 1000) / b.ok }));
  for (const b of [base!, head!]) console.log(`${b.name}: ${int(b.rate)} req/s, ${int(b.cpu)} µs CPU per request`);
  console.log(`working tree vs ${ref}: requests/s ${signed(head!.rate / base!.rate)}, CPU per request ${signed(head!.cpu / base!.cpu)}${redis ? ' (Redis store)' : ' (memory store)'}`);
} finally {
  for (const b of builds) await b.server.stop();
  await fake.close();
  if (redis) await redis.destroy();
}

function signed(ratio: number): string {
  const pct = Math.round((ratio - 1) * 100);
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}
