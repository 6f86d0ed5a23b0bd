import { readFileSync } from 'node:fs';
import { maxHeaderSize, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorResponder } from '../../src/http/client-errors.js';
import { MAX_PATH_PARAMETER_LENGTH, MAX_URL_LENGTH } from '../../src/http/url-limits.js';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { theContract, unroutedProblems, useSandbox } from '../helpers/sandbox.js';

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** A raw request, so that what Node's parser refuses can be sent at all. */
function raw(port: number, path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    call.on('error', reject);
    call.end();
  });
}

/** Bytes that are not HTTP at all, over a plain socket; the answer as written, split. */
function rawBytes(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

const asSent = (answer: RawAnswer) => ({ statusCode: answer.status, headers: answer.headers, body: answer.body });

describe('limits, each answered in the envelope with its catalogue entry', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let port = 0;
  beforeAll(async () => {
    port = Number(new URL(await sandbox.app.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  afterAll(() => sandbox.app.close());

  it(`headers larger than Node's ${maxHeaderSize} bytes: 431 SANDBOX.HEADERS_TOO_LARGE`, async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.headersTooLarge);
    const answer = await raw(port, '/healthz', { 'x-big': 'a'.repeat(20_000) });
    expect(answer.status).toBe(entry.httpStatus);
    expect(JSON.parse(answer.body)).toEqual({
      data: null,
      errors: [{ code: entry.code, message: `${entry.message} The request line and headers together have at most ${maxHeaderSize} bytes.` }],
    });
    expect(answer.headers['x-cap-requestid']).toBeDefined();
    expect(await unroutedProblems(asSent(answer))).toEqual([]);
  });

  it(`a path parameter over ${MAX_PATH_PARAMETER_LENGTH} characters: 414 SANDBOX.URI_TOO_LONG, without echoing it`, async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.uriTooLong);
    const response = await sandbox.inject({ method: 'PUT', url: `/api_gateway/v1/promotions/${'a'.repeat(600)}/deactivate` });
    expect(response.statusCode).toBe(entry.httpStatus);
    expect(response.json()).toEqual({ data: null, errors: [{ code: entry.code, message: `${entry.message} A path parameter has at most ${MAX_PATH_PARAMETER_LENGTH} characters.` }] });
    expect(await unroutedProblems(response)).toEqual([]);
  });

  it(`a URL of ${MAX_URL_LENGTH} characters is taken; one more is 414 SANDBOX.URI_TOO_LONG, before authentication and the operation`, async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.uriTooLong);
    const start = `/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1&pad=`;
    const longest = `${start}${'x'.repeat(MAX_URL_LENGTH - start.length)}`;
    expect((await sandbox.inject({ method: 'POST', url: longest })).statusCode).toBe(200);
    // No credential: the URL is refused before authentication would answer 401.
    const response = await sandbox.app.inject({ method: 'POST', url: `${longest}x` });
    expect(response.statusCode).toBe(entry.httpStatus);
    expect(response.json()).toEqual({ data: null, errors: [{ code: entry.code, message: `${entry.message} A URL has at most ${MAX_URL_LENGTH} characters.` }] });
    expect(response.headers['x-cap-requestid']).toBeDefined();
  });

  it(`a query string past Node's ${maxHeaderSize} bytes is still 414 SANDBOX.URI_TOO_LONG, not 431`, async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.uriTooLong);
    const answer = await raw(port, `/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=${'1'.repeat(70_000)}`, { authorization: 'Basic eDp5' });
    expect(answer.status).toBe(entry.httpStatus);
    expect(JSON.parse(answer.body)).toEqual({ data: null, errors: [{ code: entry.code, message: `${entry.message} A URL has at most ${MAX_URL_LENGTH} characters.` }] });
    expect(await unroutedProblems(asSent(answer))).toEqual([]);
  });

  it('a URL within its limit with headers past Node\'s limit is 431, the headers being what is too large', async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.headersTooLarge);
    const answer = await raw(port, `/healthz?pad=${'x'.repeat(MAX_URL_LENGTH - 20)}`, { 'x-big': 'a'.repeat(maxHeaderSize) });
    expect(answer.status).toBe(entry.httpStatus);
  });

  it('a request that is not HTTP: 400 GLOBAL.INVALID_INPUT, saying so', async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.invalidInput);
    const answer = await rawBytes(port, 'HELLO THERE\r\n\r\n');
    expect(answer.status).toBe(entry.httpStatus);
    expect(JSON.parse(answer.body)).toEqual({ data: null, errors: [{ code: entry.code, message: `${entry.message} The request is not valid HTTP.` }] });
    expect(answer.headers['x-cap-requestid']).toBeDefined();
    expect(await unroutedProblems(asSent(answer))).toEqual([]);
  });
});

describe('the limits as the contract states them', () => {
  it('SANDBOX.URI_TOO_LONG and docs/contract.md (its table of common mistakes) name the limits the sandbox applies', async () => {
    const { condition } = (await theContract()).catalogue.get(REQUIRED_KEYS.uriTooLong);
    const doc = readFileSync(fileURLToPath(new URL('../../docs/contract.md', import.meta.url)), 'utf8');
    for (const limit of [MAX_URL_LENGTH, MAX_PATH_PARAMETER_LENGTH]) {
      expect(condition).toContain(`longer than ${limit.toLocaleString('en')} characters`);
      expect(doc).toContain(`over ${limit.toLocaleString('en')} characters`);
    }
  });
});

describe('a client too slow to send its headers', () => {
  it('gets 408 SANDBOX.REQUEST_TIMEOUT in the envelope, and the connection is closed', async () => {
    const contract = await theContract();
    const entry = contract.catalogue.get(REQUIRED_KEYS.requestTimeout);
    let written = '';
    let destroyed = false;
    // Node's headersTimeout checks connections every 30 s: the responder is called as Node calls it.
    const socket = { destroyed: false, writable: true, write: (text: string) => (written += text), destroy: () => (destroyed = true) } as unknown as Socket;
    clientErrorResponder(contract.catalogue)(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    const [head = '', body = ''] = written.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${entry.httpStatus} Request Timeout\r\n`));
    expect(head).toMatch(/\r\nX-Cap-Requestid: \S+/);
    expect(JSON.parse(body)).toEqual({ data: null, errors: [{ code: entry.code, message: entry.message }] });
    expect(destroyed).toBe(true);
    expect(await unroutedProblems({ statusCode: entry.httpStatus, headers: { 'content-type': 'application/json; charset=utf-8' }, body })).toEqual([]);
  });
});
