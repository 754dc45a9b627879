import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.js';

describe('createLogger: the second net for secrets in plain strings', () => {
  // ioredis' ReplyError carries the failed command with its arguments: an AUTH that failed names the
  // password, and pino's error serializer keeps the error's own properties.
  it('blanks the arguments of a failed Redis command in a logged error', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const err = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name: 'auth', args: ['alertcord', 'redis-s3cret'] } });
    logger.error({ err }, 'store failed');
    logger.error({ cause: err }, 'store failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('redis-s3cret');
    expect(lines[0]).toContain('WRONGPASS');
  });
});
