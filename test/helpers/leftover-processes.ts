import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** A process of the table, as /proc tells it (Linux: the check is skipped elsewhere). */
interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly group: number;
  readonly state: string;
  /** Ticks after boot: with the pid, names one process even once pids are reused. */
  readonly started: string;
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
}

export interface Leftover {
  readonly pid: number;
  readonly what: string;
  readonly why: string;
}

function entryOf(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces: the fields after it are split.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
    let cwd: string | undefined;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      cwd = undefined;
    }
    return {
      pid,
      state: fields[0] ?? '',
      ppid: Number(fields[1]),
      group: Number(fields[2]),
      started: fields[19] ?? '',
      name: stat.slice(stat.indexOf('(') + 1, close),
      args,
      cwd,
    };
  } catch {
    // Gone while we looked.
    return undefined;
  }
}

function processTable(): Map<number, ProcessEntry> {
  const table = new Map<number, ProcessEntry>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = entryOf(Number(name));
    if (entry) table.set(entry.pid, entry);
  }
  return table;
}

const keyOf = (entry: ProcessEntry): string => `${entry.pid}:${entry.started}`;

/** A redis-server (it rewrites its command line, not its name), a sandbox command, or Prism's proxy. */
function kindOf(entry: ProcessEntry): string | undefined {
  if (entry.name === 'redis-server') return `redis-server (${entry.args.join(' ').trim()})`;
  if (entry.args.some((arg) => arg.endsWith('dist/cli.js') || arg.endsWith('.bin/promotions-sandbox'))) return `sandbox (${entry.args.join(' ')})`;
  if (entry.args.some((arg) => arg.includes('@stoplight/prism-cli/'))) return `Prism (${entry.args.join(' ')})`;
  return undefined;
}

/**
 * Why a process came from this run, or undefined: started by it (its parent chain reaches the run's
 * process), in its process group (kept when its parent died), or this checkout's dist/cli.js
 * (`npm start` in a group of its own). Servers someone else started meanwhile count for nothing.
 */
function fromThisRun(entry: ProcessEntry, table: Map<number, ProcessEntry>, run: ProcessEntry, root: string): string | undefined {
  for (let parent = table.get(entry.ppid), hops = 0; parent && hops < 64; parent = table.get(parent.ppid), hops += 1) {
    if (parent.pid === run.pid) return 'started by this test run';
  }
  if (entry.group === run.group) return "in the test run's process group";
  const cli = entry.args.find((arg) => arg.endsWith('dist/cli.js'));
  if (cli && entry.cwd && (isAbsolute(cli) ? cli : resolve(entry.cwd, cli)) === join(root, 'dist', 'cli.js')) return "this checkout's dist/cli.js";
  return undefined;
}

/**
 * Takes the process table when a run begins; `leftovers()` then names the redis-servers and
 * sandbox processes that were not there then, came from this run, and still run.
 */
export function watchLeftovers(root: string): { leftovers(): Leftover[] } {
  const before = new Set([...processTable().values()].map(keyOf));
  return {
    leftovers() {
      const table = processTable();
      const run = table.get(process.pid);
      if (!run) return [];
      const found: Leftover[] = [];
      for (const entry of table.values()) {
        if (before.has(keyOf(entry)) || entry.state === 'Z') continue;
        const what = kindOf(entry);
        const why = what === undefined ? undefined : fromThisRun(entry, table, run, root);
        if (what !== undefined && why !== undefined) found.push({ pid: entry.pid, what, why });
      }
      return found;
    },
  };
}
