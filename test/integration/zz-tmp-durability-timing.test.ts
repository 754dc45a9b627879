import { Redis } from 'ioredis';
import { it } from 'vitest';
import { startRedis } from '../helpers/redis-server.js';
it('timing', { timeout: 60_000 }, async () => {
  let t = performance.now();
  const lap = (what: string) => { console.info('LAP', what, Math.round(performance.now() - t)); t = performance.now(); };
  const server = await startRedis(); lap('start');
  const admin = new Redis(server.url);
  await admin.config('SET', 'appendfsync', 'always'); lap('always');
  await admin.config('SET', 'appendfsync', 'everysec'); lap('everysec');
  await admin.config('SET', 'appendonly', 'no'); lap('aof off');
  await admin.config('SET', 'appendonly', 'yes'); lap('aof on');
  await admin.flushall(); lap('flushall');
  await admin.quit();
  await server.destroy(); lap('destroy');
});
