import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** From the last byte written to the connection's close by the server. */
  readonly closedAfterMs: number;
}

/**
 * Writes `bytes` as they are (a Host no client library would send, a body that never ends) to
 * the sandbox at `url` and reads until the server closes the connection (`Connection: close`
 * makes it close after one answer). Fails after `timeoutMs` rather than waiting for ever.
 */
export function rawExchange(url: string, bytes: string, timeoutMs = 20_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let text = '';
    let sentAt = 0;
    const socket = connect(Number(port), hostname, () => socket.write(bytes, () => (sentAt = performance.now())));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; received: ${JSON.stringify(text.slice(0, 300))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: split === -1 ? '' : text.slice(split + 4), closedAfterMs: performance.now() - sentAt });
    });
  });
}
