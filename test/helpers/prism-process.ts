import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Finished, startCli } from './cli-process.js';

const MANIFEST = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
/** Prism's command, as its package declares it, spawned with this Node. */
const PRISM = join(dirname(MANIFEST), (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { bin: { prism: string } }).bin.prism);
/** Prism logs every request it proxies; what is kept of its output is bounded (its first lines say whether it started). */
const KEPT_OUTPUT = 100_000;

/**
 * Stoplight's Prism as a validating proxy in front of `upstream`, on a port of its own: every
 * answer is checked against `contract` and a violation is reported (`--errors`); requests are not
 * validated, so that refused ones reach the upstream too. In one process (`--multiprocess false`,
 * whatever NODE_ENV says), with no environment but PATH and HOME, as startCli's. Stop it as
 * startCli's (stoppedAfterEach).
 */
export function startPrismProxy(contract: string, upstream: string): ReturnType<typeof startCli> {
  const args = ['proxy', contract, upstream, '--host', '127.0.0.1', '--port', '0', '--errors', '--validate-request', 'false', '--multiprocess', 'false'];
  const child = spawn(process.execPath, [PRISM, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < KEPT_OUTPUT) output += chunk.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const finished = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout: output, stderr: '' }));
  });
  return { child, finished, output: () => output };
}

/** Waits for Prism's "listening" line and returns the URL it proxies on; its output if it never comes. */
export async function prismUrl(prism: ReturnType<typeof startCli>, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && prism.child.exitCode === null && prism.child.signalCode === null) {
    const listening = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(prism.output());
    if (listening?.[1]) return listening[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Prism did not start:\n${prism.output()}`);
}
