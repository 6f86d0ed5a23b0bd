import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

export const run = promisify(execFile);

const baseImage = /^ARG NODE_IMAGE=(node:(\d+)-\S+)$/m.exec(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
if (!baseImage) throw new Error('Dockerfile: no `ARG NODE_IMAGE=node:<major>-…` line (the Node base image)');
/**
 * The Node base image the Dockerfile builds on (its `ARG NODE_IMAGE` default) and its major
 * version, so that a test, a skip line and the image budget name the image the Dockerfile names.
 */
export const [, NODE_IMAGE = '', NODE_MAJOR = ''] = baseImage;
/** What a machine needs for the image: an engine, which pulls the base image as it builds. */
export const BASE_IMAGE_INSTALL = `apt-get install docker.io (docker build pulls ${NODE_IMAGE})`;

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
    // A timer of our own, not AbortSignal.timeout's: that one does not hold the process, and while
    // Docker's proxy holds a connection to a container not yet listening, Node 20's fetch holds
    // nothing either, so a script awaiting this (npm run bench:docker) would end with exit 13.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 500);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: controller.signal });
      if (response.ok) return performance.now() - since;
    } catch {
      // not up yet
    } finally {
      clearTimeout(timer);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${origin}/healthz did not answer within ${timeoutMs} ms`);
}
