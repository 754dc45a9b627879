import { describe, expect, it } from 'vitest';
import { listenFailure } from '../../../src/cli/serve.js';

const error = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

describe('listenFailure: the one line `serve` prints when it cannot bind', () => {
  it('names the address and what to change for a port taken', () => {
    expect(listenFailure(error('EADDRINUSE', 'listen'), { host: '127.0.0.1', port: 8080 })).toBe(
      'cannot listen on 127.0.0.1:8080: EADDRINUSE (another process listens there); set PORT / HOST (server.port / server.host)',
    );
  });

  // HOST=0.0.0.0:8080 (a port in HOST) or a mistyped name failed in the lookup before listen(): the start
  // died with Node's stack trace of an unhandled rejection, where a taken port gets one line naming HOST.
  it.each(['ENOTFOUND', 'EAI_AGAIN'])('a HOST the lookup cannot resolve (%s) gets one line too, naming HOST', (code) => {
    expect(listenFailure(error(code, 'getaddrinfo'), { host: '0.0.0.0:8080', port: 8080 })).toBe(
      `cannot listen on 0.0.0.0:8080:8080: ${code} (HOST is not an address of this host nor a name it resolves; a port goes in PORT); set PORT / HOST (server.port / server.host)`,
    );
  });

  it('leaves any other error alone (its stack is the report)', () => {
    expect(listenFailure(new Error('boom'), { host: '127.0.0.1', port: 1 })).toBeUndefined();
  });
});
