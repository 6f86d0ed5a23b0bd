import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTRACT_PATH } from '../../src/contract/load-contract.js';
import { servedDocument } from '../../src/http/docs/served-document.js';
import { theContract } from '../helpers/sandbox.js';
import { VENDOR_PAGES, curlExample, readPage } from '../helpers/vendor-pages.js';

describe('openapi/promotions.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(DEFAULT_CONTRACT_PATH);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('serves a document that is still valid OpenAPI 3.1 after the generated sections', async () => {
    const result = await new Validator().validate(servedDocument(await theContract()));
    expect(result.valid).toBe(true);
  });

  it('names each vendor page\'s call with a stable operationId, at the page\'s method and path', async () => {
    const contract = await theContract();
    for (const { file, operationId } of VENDOR_PAGES) {
      const { method, url } = curlExample(readPage(file));
      // The page's URL as a template: no host, no query, no Markdown backticks, placeholders in any case.
      const template = url.replace(/^https:\/\/\{host\}/i, '').split('?')[0]?.replaceAll('`', '').toLowerCase();
      const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
      expect(operation, `${file}: ${operationId}`).toBeDefined();
      expect(`${operation?.method ?? ''} ${operation?.path.toLowerCase() ?? ''}`, file).toBe(`${method} ${template ?? ''}`);
    }
  });

  it('maps every catalogue code to HTTP 400 for 400 and the 7xx/8xx application codes', async () => {
    const { catalogue } = await theContract();
    for (const entry of catalogue.entries) {
      const expected = entry.code >= 700 && entry.code < 900 ? 400 : entry.code;
      expect(entry.httpStatus, entry.key).toBe(expected);
    }
  });

  it('declares Retry-After and the rate-limit headers on every 429', async () => {
    const contract = await theContract();
    for (const operation of contract.operations.filter((candidate) => candidate.tags.includes('promotions'))) {
      const headers = Object.keys(operation.responses['429']?.headers ?? {});
      expect(headers, operation.operationId).toEqual(expect.arrayContaining(['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']));
      expect(operation.responses['401'], operation.operationId).toBeDefined();
    }
  });

  it('declares X-Sandbox-Scenario, not required, on every response of the vendor\'s calls', async () => {
    const contract = await theContract();
    for (const operation of contract.operations.filter((candidate) => candidate.tags.includes('promotions'))) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const header = response.headers?.['X-Sandbox-Scenario'] as { required?: boolean } | undefined;
        expect(header, `${operation.operationId} ${status}`).toBeDefined();
        expect(header?.required, `${operation.operationId} ${status}`).not.toBe(true);
      }
    }
  });

  it("refuses unknown query names on every tenant call of the sandbox's own (a mistyped filter is never no filter), and ignores them on the vendor's", async () => {
    const contract = await theContract();
    for (const operation of contract.operations) {
      const expected = operation.tags.includes('sandbox') && operation.path.startsWith('/__sandbox/');
      expect(operation.refusesUnknownQuery, operation.operationId).toBe(expected);
    }
  });

  it('offers Basic and the X-CAP-API-OAUTH-TOKEN header as alternatives', async () => {
    const { dereferenced } = await theContract();
    expect(dereferenced.security).toEqual([{ basicAuth: [] }, { oauthToken: [] }]);
    expect(dereferenced.components?.securitySchemes).toMatchObject({
      basicAuth: { type: 'http', scheme: 'basic' },
      oauthToken: { type: 'apiKey', in: 'header', name: 'X-CAP-API-OAUTH-TOKEN' },
    });
  });

  it('lists the sandbox itself as the only server (the vendor\'s gateway is named in the text)', async () => {
    const { dereferenced } = await theContract();
    expect(dereferenced.servers?.map((server) => server.url)).toEqual(['/']);
    expect(dereferenced.info.description).toContain('https://{host}');
  });
});
