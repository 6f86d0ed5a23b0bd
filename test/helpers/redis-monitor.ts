import { connect } from 'node:net';

/** One command as Redis ran it: its arguments, and who sent it ('lua' for a script's own). */
export interface MonitoredCommand {
  args: string[];
  source: string;
}

export interface RedisMonitor {
  /** Every command Redis ran since the monitor started, in its order. */
  readonly seen: MonitoredCommand[];
  stop(): void;
}

/**
 * Redis's MONITOR on a socket of its own. ioredis's `monitor()` enters monitoring mode a
 * microtask after MONITOR's OK, so a command of another client arriving in the same packet as
 * that OK fails it with "Command queue state error"; this reads every line as it comes.
 */
export async function monitorRedis(url: string): Promise<RedisMonitor> {
  const { hostname, port, password, username } = new URL(url);
  const socket = connect(Number(port || 6379), hostname);
  const seen: MonitoredCommand[] = [];
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    let started = false;
    // AUTH's own OK comes first: the monitor starts at MONITOR's.
    let oksBeforeMonitor = password ? 1 : 0;
    socket.on('error', reject); // after the start, an error ends what is seen, as stop() does
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let end = pending.indexOf('\r\n');
      while (end !== -1) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        end = pending.indexOf('\r\n');
        if (line.startsWith('-')) reject(new Error(`MONITOR refused: ${line.slice(1)}`));
        else if (started) seen.push(monitoredCommand(line));
        else if (line === '+OK' && oksBeforeMonitor-- === 0) {
          started = true;
          resolve();
        }
      }
    });
    if (password) socket.write(command(username ? ['AUTH', decodeURIComponent(username), decodeURIComponent(password)] : ['AUTH', decodeURIComponent(password)]));
    socket.write(command(['MONITOR']));
  });
  return { seen, stop: () => socket.destroy() };
}

function command(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/** `+1796636937.054801 [15 127.0.0.1:56094] "evalsha" "ab\"c"`: arguments quoted as Redis's sdscatrepr writes them. */
function monitoredCommand(line: string): MonitoredCommand {
  const close = line.indexOf('] ');
  const source = line.slice(line.indexOf(' [') + 2, close).split(' ')[1] ?? '';
  const args = [...line.slice(close + 2).matchAll(/"((?:\\.|[^"\\])*)"/g)].map(([, quoted]) => unquote(quoted ?? ''));
  return { args, source };
}

const ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, a: 0x07, b: 0x08, '\\': 0x5c, '"': 0x22 };

/** An argument's bytes, as Redis quotes them (every byte outside printable ASCII as `\xHH`), read as UTF-8. */
function unquote(quoted: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < quoted.length; index += 1) {
    const char = quoted[index] ?? '';
    if (char !== '\\') {
      bytes.push(char.charCodeAt(0));
      continue;
    }
    const escape = quoted[index + 1] ?? '';
    if (escape === 'x') {
      bytes.push(parseInt(quoted.slice(index + 2, index + 4), 16));
      index += 3;
    } else {
      bytes.push(ESCAPES[escape] ?? escape.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
