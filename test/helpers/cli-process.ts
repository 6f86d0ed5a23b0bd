import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** The checkout's root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built command users run, `dist/cli.js` (test/global-setup.ts builds it), for process tests. */
export const BUILT_CLI = join(ROOT, 'dist', 'cli.js');

/** The `promotions-sandbox` command as `npm run build` makes it, run as a real process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): { child: ChildProcess; finished: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': a process's last lines can still be in its pipes when it exits.
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished, output: () => stdout };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Finished> {
  return startCli(args, env, cwd).finished;
}

/** Waits for the "listening" log line and returns the URL the sandbox listens on. */
export async function listeningUrl(output: () => string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the sandbox did not start:\n${output()}`);
}

/** The processes a test starts with startCli, pushed here: each is stopped (SIGTERM) and awaited after the test. */
export function stoppedAfterEach(): ReturnType<typeof startCli>[] {
  const running: ReturnType<typeof startCli>[] = [];
  afterEach(async () => {
    const stopping = running.splice(0);
    for (const sandbox of stopping) sandbox.child.kill('SIGTERM');
    await Promise.all(stopping.map((sandbox) => sandbox.finished));
  });
  return running;
}
