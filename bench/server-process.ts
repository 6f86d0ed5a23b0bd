// A server under test as a process of its own, measured from the outside the same way whatever it
// is (bare Fastify, the sandbox, a peer on Node or on the JVM): the time from spawn to its first
// answer, and the CPU and memory the kernel accounts to it (Linux /proc). A server that forks is
// counted with its descendants.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** From spawn to the first answer of `ready`, in ms. */
  readonly readyMs: number;
}

export interface StartOptions {
  readonly name: string;
  readonly url: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Resolves true once the server answers as it should; a refused connection is "not yet". */
  readonly ready: (url: string) => Promise<boolean>;
  readonly timeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const since = performance.now();
  const child = spawn(options.command, [...options.args], { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: 'ignore' });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `${options.name} exited (${signal ?? code}) before it answered`));
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (;;) {
    if (exited) throw new Error(exited);
    try {
      if (await options.ready(options.url)) return { name: options.name, url: options.url, child, readyMs: Math.round(performance.now() - since) };
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const late = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(late);
}

/** The kernel's clock ticks per second, in which /proc/<pid>/stat counts CPU time. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, and cutime + cstime (children that exited and were waited for), in ticks. */
  readonly ticks: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  // The command name (field 2) is in parentheses and may hold spaces: the fields after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
}

/** The process and every live descendant (a CLI that forks its server, a JVM's launcher). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

/** CPU seconds (user + system, every thread) the server and its descendants have used so far. */
export function cpuSeconds(server: ServerProcess): number {
  const pid = server.child.pid;
  if (pid === undefined) return Number.NaN;
  return processTree(pid).reduce((total, each) => total + (readStat(each)?.ticks ?? 0), 0) / TICKS_PER_SECOND;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory now, in MB, of the server and its descendants. */
export function rssMb(server: ServerProcess): number {
  return server.child.pid === undefined ? Number.NaN : processTree(server.child.pid).reduce((total, pid) => total + statusField(pid, 'VmRSS'), 0) / 1024;
}

/** Peak resident memory so far, in MB (each process's own peak, summed over the tree). */
export function peakRssMb(server: ServerProcess): number {
  return server.child.pid === undefined ? Number.NaN : processTree(server.child.pid).reduce((total, pid) => total + statusField(pid, 'VmHWM'), 0) / 1024;
}
