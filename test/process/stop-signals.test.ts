import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningUrl } from '../helpers/cli-process.js';
import { connectionsReadBy, type NpmStart, npmStart } from '../helpers/process-group.js';
import { DOCS_BASIC } from '../helpers/sandbox.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

interface Sent {
  /** Resolves once the request is written whole to the socket. */
  readonly written: Promise<void>;
  /** The answer, or the error code of a connection that ended without one. */
  readonly answer: Promise<{ status: number; body: string } | { error: string }>;
}

/** A deactivation answered by `scenario`, on a connection of its own. */
function deactivation(url: string, index: number, scenario: string): Sent {
  let written!: () => void;
  const sent = new Promise<void>((resolve) => (written = resolve));
  const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    const call = request(`${url}/api_gateway/v1/promotions/${index.toString(16).padStart(24, '0')}/deactivate`, {
      method: 'PUT',
      agent: false,
      headers: { authorization: DOCS_BASIC, 'x-sandbox-scenario': scenario },
    });
    call.on('finish', written);
    call.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    call.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    call.end();
  });
  return { written: sent, answer };
}

/** Sends `count` slow calls and resolves once the sandbox has read every one (they are in flight). */
async function inFlight(url: string, count: number, scenario: string): Promise<Sent[]> {
  const calls = Array.from({ length: count }, (_, index) => deactivation(url, index + 1, scenario));
  await Promise.all(calls.map((call) => call.written));
  await expect.poll(() => connectionsReadBy(Number(new URL(url).port)), { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  return calls;
}

describe('Ctrl-C on `npm start` (SIGINT to the process group: npm forwards a second copy)', () => {
  let started: NpmStart | undefined;
  afterEach(async () => {
    if (started?.groupAlive()) {
      started.killGroup();
      await started.exited;
    }
    started = undefined;
  });

  it('finishes all 50 answers in flight, then npm and the sandbox exit 0', async () => {
    started = npmStart(LOCAL);
    const url = await listeningUrl(started.output, 30_000);
    const calls = await inFlight(url, 50, 'slow-success');
    started.signalGroup('SIGINT');
    // npm's copy comes within milliseconds, often while the first is still being handled (then
    // Node merges the two); one that comes once the sandbox has begun stopping (npm slower, or a
    // second Ctrl-C) used to exit at once, resetting every connection.
    await expect.poll(() => started?.output(), { timeout: 5_000 }).toContain('stopping: finishing in-flight answers');
    started.signalGroup('SIGINT');
    const answers = await Promise.all(calls.map((call) => call.answer));
    expect(answers.filter((answer) => !('status' in answer) || answer.status !== 200)).toEqual([]);
    expect(answers).toHaveLength(50);
    expect(await started.exited).toBe(0);
    await expect.poll(() => started?.groupAlive(), { timeout: 5_000 }).toBe(false);
    expect(started.output()).toContain('stopping: finishing in-flight answers');
  }, 60_000);

  it('a signal more than a second after the first still stops it at once, answers in flight or not', async () => {
    // Answers that would take 20 s: only the forced exit ends the process before them.
    const folder = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(
      join(folder, 'very-slow-success.yaml'),
      'name: very-slow-success\ndescription: Success after 20 seconds.\noperations: [deactivatePromotionGlobally]\ncode: 200\nforced:\n  latencyMs: 20000\n',
    );
    started = npmStart({ ...LOCAL, SANDBOX_SCENARIOS: folder });
    const url = await listeningUrl(started.output, 30_000);
    const calls = await inFlight(url, 5, 'very-slow-success');
    const firstAt = performance.now();
    started.signalGroup('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // Still serving its answers in flight: the first Ctrl-C (and npm's copy) did not force anything.
    expect(started.groupAlive()).toBe(true);
    started.signalGroup('SIGINT');
    expect(await started.exited).not.toBe(0);
    expect(performance.now() - firstAt).toBeLessThan(8_000);
    await expect.poll(() => started?.groupAlive(), { timeout: 5_000 }).toBe(false);
    for (const answer of await Promise.all(calls.map((call) => call.answer))) expect(answer).toHaveProperty('error');
    expect(started.output()).toContain('stopping now: a second signal while finishing in-flight answers');
  }, 60_000);
});
