import { describe, expect, it } from 'vitest';
import { DEACTIVATE_PATH, DOCS_BASIC } from '../helpers/sandbox.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { rawExchange } from '../helpers/raw-http.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

/** A call whose headers arrive whole and whose body is `sent` of its announced `length` bytes. */
function callWithBody(sent: string, length: number, extraHeaders = ''): string {
  return (
    `POST ${DEACTIVATE_PATH}?customerId=1&earnId=null HTTP/1.1\r\nHost: sandbox\r\nAuthorization: ${DOCS_BASIC}\r\n` +
    `X-Sandbox-Session: timeout\r\n${extraHeaders}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${sent}`
  );
}

describe('--request-timeout, through the built command', () => {
  const running = stoppedAfterEach();

  it('a body that never ends gets 408 SANDBOX.REQUEST_TIMEOUT in the envelope once the time is up, and the connection is closed', async () => {
    const sandbox = startCli(['--request-timeout', '1000'], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const answer = await rawExchange(url, callWithBody('{"never":', 64));
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-cap-requestid']).toBeDefined();
    expect(JSON.parse(answer.body)).toEqual({ data: null, errors: [{ code: 408, message: 'The request did not arrive in time.' }] });
    // The time is counted from the request's first byte and checked every second.
    expect(answer.closedAfterMs).toBeGreaterThan(900);
    expect(answer.closedAfterMs).toBeLessThan(3_000);
    // The sandbox serves on, and logs no failure for it.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(sandbox.output()).not.toMatch(/"level":50/);
  });

  it('headers that never end get the same', async () => {
    const sandbox = startCli(['--request-timeout', '1000'], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const answer = await rawExchange(url, 'GET /healthz HTTP/1.1\r\nHost: sandbox\r\nX-Slow: ');
    expect(answer.status).toBe(408);
    expect(answer.closedAfterMs).toBeLessThan(3_000);
  });

  it('does not cut an answer that is slow to come: slow-success answers after 1.5 s with a 1 s timeout', async () => {
    const sandbox = startCli(['--request-timeout', '1000'], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const started = performance.now();
    const answer = await rawExchange(url, callWithBody('', 0, 'X-Sandbox-Scenario: slow-success\r\nConnection: close\r\n'));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: true, errors: [] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_500);
  });
});
