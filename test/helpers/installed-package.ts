import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { waitForHealthz } from './docker.js';
import { freePort } from './redis.js';

export const run = promisify(execFile);

/** An empty project of a user's, where the package gets installed. */
export function emptyProject(): string {
  const folder = mkdtempSync(join(tmpdir(), 'consumer-'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return folder;
}

/** `npx promotions-sandbox --help` in the project, as the README tells (never fetching one). */
export async function installedHelp(project: string): Promise<string> {
  const { stdout } = await run('npx', ['--no-install', 'promotions-sandbox', '--help'], { cwd: project });
  return stdout;
}

/**
 * Starts the installed `promotions-sandbox` command of the project, makes a deactivation and
 * stops it with SIGTERM; resolves to its exit code. `check` makes more calls while it serves.
 */
export async function serveInstalledCommand(project: string, check: (url: string) => Promise<void> = () => Promise.resolve()): Promise<number | null> {
  const port = await freePort();
  const bin = join(project, 'node_modules', '.bin', 'promotions-sandbox');
  const server = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent'], { cwd: project, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthz(url, performance.now(), 10_000);
    await check(url);
    const deactivate = await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1`, { method: 'POST', headers: { authorization: 'Basic c2FuZGJveDpzYW5kYm94' } });
    expect(deactivate.status).toBe(200);
    expect(await deactivate.json()).toEqual({ data: true, errors: [] });
  } finally {
    server.kill('SIGTERM');
  }
  return exited;
}
