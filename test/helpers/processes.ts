import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** True once the process exited, false when it is still running after `timeoutMs` (the caller escalates). */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A port the OS just handed out on 127.0.0.1; free again once we close it (good enough for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Below Linux's default ephemeral range (32768–60999): no connect() takes a source port from here. */
const FIXED_PORTS = { min: 20_000, max: 32_767 };

/**
 * A free port on 127.0.0.1 outside the ephemeral range, for a server that must come back on the SAME port
 * (`RedisServer.restart()`): while it is down, a port from {@link freePort} is an ordinary free ephemeral
 * port, and any outgoing connection on the machine (even a client's own reconnect attempt to it, by TCP
 * self-connect) may take it as its source port, so the restart fails with "Address already in use".
 */
export async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIXED_PORTS.min + Math.floor(Math.random() * (FIXED_PORTS.max - FIXED_PORTS.min + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${FIXED_PORTS.min}-${FIXED_PORTS.max}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The executable's path on PATH (or Debian's /usr/bin, /usr/sbin, /usr/local/bin), undefined when absent. */
export async function findBinary(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}
