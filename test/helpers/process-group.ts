import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start` as a person runs it in a terminal: npm leads a process group of its own (the sandbox in it). */
export interface NpmStart {
  readonly npm: ChildProcess;
  readonly output: () => string;
  /** npm's exit code once it exits. */
  readonly exited: Promise<number | null>;
  /** What a terminal does on Ctrl-C: the signal to every process of the group. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Whether any process of the group is still alive. */
  groupAlive(): boolean;
  /** SIGKILL to whatever is left of the group (a test's last resort, also on failure). */
  killGroup(): void;
}

export function npmStart(env: NodeJS.ProcessEnv, args: string[] = []): NpmStart {
  // --ignore-scripts: the start script without its prestart build; dist/ is built once for every
  // test (test/global-setup.ts), and a build under running tests would pull dist/bundle from under them.
  const npm = spawn('npm', ['start', '--silent', '--ignore-scripts', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
  const group = -(npm.pid ?? 0);
  const groupAlive = (): boolean => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    npm,
    output: () => output,
    exited,
    signalGroup: (signal) => process.kill(group, signal),
    groupAlive,
    killGroup: () => {
      if (groupAlive()) process.kill(group, 'SIGKILL');
    },
  };
}

/**
 * How many connections to a local port the server has accepted and read to the end (its receive
 * queue is empty), from /proc/net/tcp: requests in flight for the server, not waiting in a queue.
 * With every request written by the client first, that many requests are being answered.
 */
export function connectionsReadBy(port: number): number {
  const localPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state, queues]) => local?.endsWith(`:${localPort}`) && state === '01' && queues?.split(':')[1] === '00000000').length;
}
