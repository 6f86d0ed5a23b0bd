import { describe, expect, it } from 'vitest';
import { bodyOf, useSandbox } from '../helpers/sandbox.js';

const baseUrlOf = (body: { variable: { key: string; value: string }[] }) => body.variable.find(({ key }) => key === 'baseUrl')?.value;

// The answers are checked against the contract by useSandbox: the 400 is one the operation documents.
describe("the Postman collection's baseUrl", () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('is where the caller reached the sandbox, by its Host, in lower case and without a default port', async () => {
    const response = await sandbox.inject({ url: '/postman-collection.json', headers: { host: 'Sandbox.Example:80' } });
    expect(response.statusCode).toBe(200);
    expect(baseUrlOf(response.json())).toBe('http://sandbox.example');
  });

  it.each(['a b', 'x:99999', 'x:port', 'user:pw@host', 'host/path', 'host?query'])('Host %j: 400 GLOBAL.INVALID_INPUT, never a 5xx', async (host) => {
    const response = await sandbox.inject({ url: '/postman-collection.json', headers: { host } });
    expect(response.statusCode).toBe(400);
    const [error, ...others] = bodyOf(response).errors;
    expect(others).toEqual([]);
    expect(error?.code).toBe(400);
    expect(error?.message).toBe(`Required parameters are missing or invalid. The request has Host ${JSON.stringify(host)}, which is not host[:port]: the collection's baseUrl cannot be made from it.`);
  });
});

describe("the Postman collection's baseUrl with --public-url", () => {
  const sandbox = useSandbox({ logLevel: 'silent', publicUrl: 'https://sandbox.example.com/' });

  it('is --public-url without its trailing slash, whatever the Host', async () => {
    for (const host of ['evil.example', 'a b']) {
      const response = await sandbox.inject({ url: '/postman-collection.json', headers: { host } });
      expect(response.statusCode).toBe(200);
      expect(baseUrlOf(response.json())).toBe('https://sandbox.example.com');
    }
  });
});
