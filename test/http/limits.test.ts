import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/sandbox.js';
import { request } from 'node:http';

/** A raw request, so that what Node's parser refuses can be sent at all. */
function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
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

describe('limits, each answered in the envelope', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let port = 0;
  beforeAll(async () => {
    port = Number(new URL(await sandbox.app.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  afterAll(() => sandbox.app.close());

  it('headers larger than 16 KB: 431', async () => {
    const answer = await raw(port, '/healthz', { 'x-big': 'a'.repeat(20_000) });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ data: null, errors: [{ code: 431, message: expect.stringContaining('headers are larger') as string }] });
    expect(answer.headers['x-cap-requestid']).toBeDefined();
  });

  it('a path parameter over 500 characters: 414, without echoing it', async () => {
    const response = await sandbox.inject({ method: 'PUT', url: `/api_gateway/v1/promotions/${'a'.repeat(600)}/deactivate` });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toEqual({ data: null, errors: [{ code: 414, message: 'The URL is longer than the sandbox accepts (a path parameter has at most 500 characters).' }] });
  });

  it('a huge query string: refused in the envelope', async () => {
    const answer = await raw(port, `/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=${'1'.repeat(70_000)}`, { authorization: 'Basic eDp5' });
    expect([400, 414, 431]).toContain(answer.status);
    expect((JSON.parse(answer.body) as { errors: unknown[] }).errors).toHaveLength(1);
  });
});
