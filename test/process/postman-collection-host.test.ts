import { describe, expect, it } from 'vitest';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { rawExchange } from '../helpers/raw-http.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

interface Collection {
  readonly variable: readonly { key: string; value: string }[];
}

const baseUrlOf = (body: string) => (JSON.parse(body) as Collection).variable.find(({ key }) => key === 'baseUrl')?.value;
const getWithHost = (host: string | undefined, version = '1.1') =>
  `GET /postman-collection.json HTTP/${version}\r\n${host === undefined ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`;

describe('GET /postman-collection.json of the built command, whatever Host a client sends', () => {
  const running = stoppedAfterEach();

  it('a Host that is not host[:port] gets 400 GLOBAL.INVALID_INPUT in the envelope, naming it; never a 5xx', async () => {
    const sandbox = startCli([], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const cases = [
      { request: getWithHost('a b'), named: 'Host "a b"' },
      { request: getWithHost('x:99999'), named: 'Host "x:99999"' },
      { request: getWithHost('user@evil.example'), named: 'Host "user@evil.example"' },
      { request: getWithHost('evil.example/path'), named: 'Host "evil.example/path"' },
      { request: getWithHost(undefined, '1.0'), named: 'no Host header' },
    ];
    for (const { request, named } of cases) {
      const answer = await rawExchange(url, request);
      expect(answer.status, request).toBe(400);
      expect(answer.headers['x-cap-requestid'], request).toBeDefined();
      expect(JSON.parse(answer.body), request).toEqual({
        data: null,
        errors: [{ code: 400, message: `Required parameters are missing or invalid. The request has ${named}, which is not host[:port]: the collection's baseUrl cannot be made from it.` }],
      });
    }
    // The sandbox serves on: the refusals were answers, not failures.
    expect(baseUrlOf((await rawExchange(url, getWithHost('Sandbox.Example:8080'))).body)).toBe('http://sandbox.example:8080');
    expect(sandbox.output()).not.toMatch(/"level":50|Internal server error/);
  });

  it('with --public-url, baseUrl is that URL (without its trailing slash) whatever Host is sent, or none', async () => {
    const sandbox = startCli(['--public-url', 'https://sandbox.example.com/promotions/'], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    for (const request of [getWithHost('evil.example'), getWithHost('a b'), getWithHost(undefined, '1.0')]) {
      const answer = await rawExchange(url, request);
      expect(answer.status, request).toBe(200);
      expect(baseUrlOf(answer.body), request).toBe('https://sandbox.example.com/promotions');
    }
  });

  it('SANDBOX_PUBLIC_URL sets it as well', async () => {
    const sandbox = startCli([], { ...LOCAL, SANDBOX_PUBLIC_URL: 'http://localhost:8080' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    expect(baseUrlOf((await rawExchange(url, getWithHost('elsewhere.example'))).body)).toBe('http://localhost:8080');
  });
});
