import { afterEach, describe, expect, it } from 'vitest';
import { corsHeadersOf } from '../../src/http/cors.js';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { DEACTIVATE_PATH, DOCS_BASIC, theContract } from '../helpers/sandbox.js';

// --cors through the built command, with the requests a browser sends: a preflight (OPTIONS with
// Origin and Access-Control-Request-*), then the call itself with Origin.

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const PAGE = 'http://qa-tool.test:3000';
const running: ReturnType<typeof startCli>[] = [];
afterEach(async () => {
  const stopping = running.splice(0);
  for (const sandbox of stopping) sandbox.child.kill('SIGTERM');
  await Promise.all(stopping.map((sandbox) => sandbox.finished));
});
async function serve(args: string[]): Promise<string> {
  const sandbox = startCli(args, LOCAL);
  running.push(sandbox);
  return listeningUrl(sandbox.output);
}

const preflight = (url: string, origin: string, headers: readonly string[]) =>
  fetch(`${url}${DEACTIVATE_PATH}?customerId=1`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers.join(',').toLowerCase() },
  });
const deactivate = (url: string, origin: string) =>
  fetch(`${url}${DEACTIVATE_PATH}?customerId=1`, { method: 'POST', headers: { origin, authorization: DOCS_BASIC } });
const listOf = (header: string | null): string[] => (header ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);

describe('--cors <origins>', () => {
  it('answers a preflight of an allowed origin with the contract\'s methods and headers, before authentication and the rate limit', async () => {
    const { allowedHeaders, exposedHeaders, methods } = corsHeadersOf(await theContract());
    // The headers a browser client of the vendor's API and the sandbox sends, as the issue names them.
    for (const name of ['Authorization', 'X-CAP-API-OAUTH-TOKEN', 'X-Sandbox-Scenario', 'X-Sandbox-Session', 'Prefer', 'Content-Type']) expect(allowedHeaders).toContain(name);
    for (const name of ['X-Cap-Requestid', 'X-Sandbox-Scenario', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) expect(exposedHeaders).toContain(name);
    const url = await serve(['--cors', `${PAGE},https://other.test`, '--rate-limit', '1']);

    // Preflights carry no credentials, and many of them cost none of the key's budget.
    for (let index = 0; index < 3; index += 1) {
      const answer = await preflight(url, PAGE, allowedHeaders);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(PAGE);
      expect(listOf(answer.headers.get('access-control-allow-methods'))).toEqual(methods.map((method) => method.toLowerCase()));
      expect(listOf(answer.headers.get('access-control-allow-headers'))).toEqual(allowedHeaders.map((name) => name.toLowerCase()));
      expect(answer.headers.get('access-control-max-age')).toBe('600');
      expect(await answer.text()).toBe('');
    }
    const first = await deactivate(url, PAGE);
    expect([first.status, await first.json()]).toEqual([200, { data: true, errors: [] }]);
    expect(first.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(listOf(first.headers.get('access-control-expose-headers'))).toEqual(exposedHeaders.map((name) => name.toLowerCase()));
    // A refusal carries them too, so a page can read its Retry-After.
    const second = await deactivate(url, PAGE);
    expect(second.status).toBe(429);
    expect(second.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    await second.text();
  });

  it('gives no CORS headers to another origin, and an OPTIONS that is no preflight the contract\'s 405', async () => {
    const url = await serve(['--cors', PAGE]);
    const methodNotAllowed = (await theContract()).catalogue.get(REQUIRED_KEYS.methodNotAllowed);
    const stranger = await preflight(url, 'http://elsewhere.test', ['Authorization']);
    expect(stranger.status).toBe(405);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    await stranger.text();
    const called = await deactivate(url, 'http://elsewhere.test');
    expect(called.status).toBe(200);
    expect(called.headers.get('access-control-allow-origin')).toBeNull();
    await called.text();
    for (const headers of [{}, { origin: PAGE }] as Record<string, string>[]) {
      const plain = await fetch(`${url}${DEACTIVATE_PATH}`, { method: 'OPTIONS', headers });
      expect(plain.status).toBe(405);
      expect(plain.headers.get('allow')).toBe('POST, PUT');
      expect(await plain.json()).toEqual({ data: null, errors: [{ code: methodNotAllowed.code, message: `${methodNotAllowed.message} Got OPTIONS; allowed: POST, PUT.` }] });
    }
  });

  it('* lets any origin in', async () => {
    const url = await serve(['--cors', '*']);
    const answer = await preflight(url, 'http://anywhere.test:8080', ['Authorization']);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is off by default, as on the vendor\'s API: a preflight is 405 without CORS headers', async () => {
    const url = await serve([]);
    const answer = await preflight(url, PAGE, ['Authorization']);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    await answer.text();
  });

  it.each([['http://localhost:3000/app'], ['localhost:3000'], ['*,http://a.test'], ['ftp://a.test'], ['']])('refuses %j in one line', async (value) => {
    const { code, stderr } = await runCli(['--cors', value], LOCAL);
    expect(code).not.toBe(0);
    expect(stderr.split('\n')[0]).toBe(
      `error: option '--cors <origins>' argument '${value}' is invalid. must be origins separated by commas, each http(s)://host[:port] with no path, or * alone for any origin.`,
    );
  });
});
