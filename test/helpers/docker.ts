import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export function haveDockerEngine(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Polls until `/healthz` answers; returns the milliseconds it took from `since`. */
export async function waitForHealthz(origin: string, since: number, timeoutMs = 20_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(500) });
      if (response.ok) return performance.now() - since;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${origin}/healthz did not answer within ${timeoutMs} ms`);
}
