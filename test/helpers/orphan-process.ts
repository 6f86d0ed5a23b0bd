import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BUILT_CLI } from './cli-process.js';

/**
 * What a supervisor that gave up does: a Node script starts the sandbox with its output on pipes
 * to itself, then exits 50 ms later (before the sandbox listens), closing the pipes' other ends.
 */
const PARENT_THAT_EXITS = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'pipe' });
process.stdout.write(child.pid + '\\n');
setTimeout(() => process.exit(0), 50);
`;

/** Runs `dist/cli.js args` under a parent that exits at once; resolves to the sandbox's pid. */
export async function startOrphaned(args: string[]): Promise<number> {
  const parent = spawn(process.execPath, ['-e', PARENT_THAT_EXITS, BUILT_CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => parent.once('exit', resolve));
  const pid = Number(output.trim());
  if (code !== 0 || !Number.isInteger(pid) || pid <= 0) throw new Error(`the parent did not start the sandbox (exit ${String(code)}): ${output}`);
  return pid;
}

/** Whether a process (not our child: we cannot wait for it) still runs: not gone, not a zombie. */
export function running(pid: number): boolean {
  try {
    // The state is the field after the command's name, which is in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
