import { connect } from 'node:net';

/** The first byte of every reply of Redis's protocol (RESP2 and RESP3). */
const RESP_TYPE_BYTES = new Set('+-:$*_,#!=(|~>%');
const PROBE_MS = 2_000;

/**
 * After a failed connection to a Redis URL: asks what listens there with one inline `PING` (a
 * Redis answers `+PONG`, or `-NOAUTH …` when it wants a password) and resolves to the first byte
 * of the answer when it is no reply of Redis's (an HTTP server answers `H`). Undefined when it
 * answers as Redis, says nothing, cannot be reached, or the URL is TLS (`rediss:`), where a plain
 * probe learns nothing. For a clear line at start only: it never runs while serving.
 */
export function foreignProtocolByte(url: string): Promise<string | undefined> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(undefined);
  }
  if (target.protocol !== 'redis:') return Promise.resolve(undefined);
  const host = target.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(target.port || 6379);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (byte: string | undefined) => {
      socket.destroy();
      resolve(byte);
    };
    socket.setTimeout(PROBE_MS, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => {
      const first = chunk.subarray(0, 1).toString('latin1');
      done(RESP_TYPE_BYTES.has(first) ? undefined : first);
    });
  });
}
