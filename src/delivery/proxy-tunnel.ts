/**
 * The connection pool undici's `ProxyAgent` opens CONNECT tunnels with (its `clientFactory`), made to fail
 * a tunnel that cannot be set up with an error of its own. undici 7 gets two cases wrong (nodejs/undici
 * #3897, fixed upstream by PR #5441): a proxy that closes the connection during CONNECT raises
 * `UND_ERR_SOCKET`, which undici's client takes for a recoverable drop of a live connection, so it leaves
 * the request queued and reconnects at once, forever (thousands of CONNECTs a second, the request never
 * settles); and a CONNECT answered with anything but 200 (407 wrong credentials, 403, 502) becomes
 * `UND_ERR_ABORTED`, which reads as a timeout. `ProxyTunnelError` ends the request, as `network`.
 */
import { Pool } from 'undici';

/** A CONNECT tunnel through the outbound proxy could not be set up: nothing reached Discord. */
export class ProxyTunnelError extends Error {
  readonly code = 'ERR_PROXY_TUNNEL';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProxyTunnelError';
  }
}

type ConnectData = { statusCode: number; socket: { destroy(): void } };

/** `clientFactory` for `ProxyAgent` / `EnvHttpProxyAgent`: a `Pool` to the proxy whose CONNECT fails cleanly. */
export function tunnelPool(origin: string | URL, options: Pool.Options): Pool {
  const pool = new Pool(origin, options);
  const connect = pool.connect.bind(pool) as (params: unknown, callback?: unknown) => Promise<ConnectData> | void;
  (pool as { connect: unknown }).connect = (params: unknown, callback?: unknown) => {
    if (callback !== undefined) return connect(params, callback); // undici itself only awaits the promise form
    return (connect(params) as Promise<ConnectData>).then(
      (data) => {
        if (data.statusCode === 200) return data;
        data.socket.destroy();
        throw new ProxyTunnelError(`proxy answered CONNECT with HTTP ${data.statusCode}`);
      },
      (error: unknown) => {
        if ((error as { code?: unknown } | null)?.code !== 'UND_ERR_SOCKET') throw error;
        throw new ProxyTunnelError('proxy closed the connection during CONNECT', { cause: error });
      },
    );
  };
  return pool;
}
