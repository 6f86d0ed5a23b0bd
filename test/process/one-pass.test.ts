import { describe, expect, it } from 'vitest';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { DEACTIVATE_PATH, DOCS_BASIC } from '../helpers/sandbox.js';

/**
 * The vendor's routes run no app hooks: the call does their work itself (src/http/call-hooks.ts).
 * Through the built command, every kind of answer a vendor route sends (the pipeline's, admission's,
 * the error handler's, the URL limit's) still carries what the hooks gave it: a request id, one
 * log line, a count in the metrics, an entry in the history, a check against the contract.
 */
describe('the vendor routes in one pass, through the built command', () => {
  const running = stoppedAfterEach();

  it('gives every answer its request id, one log line, its count, its history entry and its check', async () => {
    const sandbox = startCli(['--log-level', 'debug', '--metrics', '--validate-responses'], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const headers = { authorization: DOCS_BASIC, 'x-sandbox-session': 'one-pass' };
    const calls = [
      { status: 200, code: null, init: { method: 'POST', headers }, query: '?customerId=1' },
      { status: 400, code: 737, init: { method: 'POST', headers: { ...headers, 'x-sandbox-scenario': 'open-cart' } }, query: '?customerId=2' },
      { status: 400, code: 400, init: { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: '{' }, query: '' },
      { status: 401, code: 401, init: { method: 'POST', headers: {} }, query: '?customerId=3' },
      { status: 414, code: undefined, init: { method: 'POST', headers }, query: `?customerId=4&x=${'a'.repeat(9000)}` },
    ] as const;
    const answers: { id: string; status: number; code: number | undefined }[] = [];
    for (const call of calls) {
      const response = await fetch(`${url}${DEACTIVATE_PATH}${call.query}`, call.init);
      const body = (await response.json()) as { errors: { code: number }[] };
      expect(response.status).toBe(call.status);
      const id = response.headers.get('x-cap-requestid');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      answers.push({ id: id ?? '', status: response.status, code: body.errors[0]?.code });
    }
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(answers.length);

    // One line per request, with its id and its answer's status.
    await expect.poll(() => requestLines(sandbox.output()).length).toBe(answers.length);
    expect(requestLines(sandbox.output()).map((line) => [line.reqId, line.statusCode, line.code])).toEqual(answers.map((answer) => [answer.id, answer.status, answer.code]));

    // The authenticated calls are in the tenant's history, with the answer's status, code and duration.
    const history = (await (await fetch(`${url}/__sandbox/requests`, { headers })).json()) as {
      data: { requests: { requestId: string; status: number; code: number | null; durationMs: number }[] };
    };
    const recorded = new Map(history.data.requests.map((entry) => [entry.requestId, entry]));
    for (const [index, call] of calls.entries()) {
      const entry = recorded.get(answers[index]?.id ?? '');
      if (call.status === 401 || call.status === 414) expect(entry).toBeUndefined();
      else {
        expect(entry).toMatchObject({ status: call.status, code: call.code });
        expect(entry?.durationMs).toBeGreaterThanOrEqual(0);
      }
    }

    // Counted once each; the 414 by the operation its path names, as before.
    const exposition = await (await fetch(`${url}/metrics`)).text();
    const counted = (operation: string, status: number, code: string | number, scenario = '') =>
      `sandbox_answers_total{operation="${operation}",status="${status}",code="${code}",scenario="${scenario}"} 1\n`;
    expect(exposition).toContain(counted('deactivatePromotionForCustomer', 200, ''));
    expect(exposition).toContain(counted('deactivatePromotionForCustomer', 400, 737, 'open-cart'));
    expect(exposition).toContain(counted('deactivatePromotionGlobally', 400, 400));
    expect(exposition).toContain(counted('deactivatePromotionForCustomer', 401, 401));
    expect(exposition).toContain(`sandbox_answers_total{operation="deactivatePromotionForCustomer",status="414",code="`);
    expect(sandbox.output()).not.toContain('answer does not match the contract');
  });

  // The sandbox times its calls itself (src/http/call-timing.ts): Fastify, without a logger of its own, times none.
  it('times each call from its start, a scenario delay included, in the history, the log line and the metrics', async () => {
    const sandbox = startCli(['--log-level', 'debug', '--metrics'], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const headers = { authorization: DOCS_BASIC, 'x-sandbox-session': 'timed' };
    const started = performance.now();
    const slow = await fetch(`${url}${DEACTIVATE_PATH}?customerId=1`, { method: 'POST', headers: { ...headers, 'x-sandbox-scenario': 'slow-success' } });
    expect(slow.status).toBe(200);
    // The client waited at least as long as the server timed (not the time since the server started).
    const waitedMs = performance.now() - started;
    const id = slow.headers.get('x-cap-requestid');

    const history = (await (await fetch(`${url}/__sandbox/requests`, { headers })).json()) as { data: { requests: { requestId: string; durationMs: number }[] } };
    const entry = history.data.requests.find((candidate) => candidate.requestId === id);
    expect(entry?.durationMs).toBeGreaterThanOrEqual(1_500);
    expect(entry?.durationMs).toBeLessThanOrEqual(waitedMs);
    await expect.poll(() => requestLines(sandbox.output()).find((line) => line.reqId === id)?.ms).toBeGreaterThanOrEqual(1_500);
    expect(requestLines(sandbox.output()).find((line) => line.reqId === id)?.ms).toBeLessThanOrEqual(waitedMs);

    const exposition = await (await fetch(`${url}/metrics`)).text();
    const seconds = (operation: string) => Number(new RegExp(`sandbox_answer_duration_seconds_sum\\{operation="${operation}"\\} (\\S+)`).exec(exposition)?.[1]);
    expect(seconds('deactivatePromotionForCustomer')).toBeGreaterThanOrEqual(1.5);
    expect(seconds('deactivatePromotionForCustomer')).toBeLessThanOrEqual(waitedMs / 1000);
    // A sandbox route, timed by the request id's hook: more than nothing, well under the delay.
    expect(seconds('listRequests')).toBeGreaterThan(0);
    expect(seconds('listRequests')).toBeLessThan(1.5);
  });
});

function requestLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request');
}
