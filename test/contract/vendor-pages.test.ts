import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOf, freshIds } from '../helpers/calls.js';
import { PROMOTION_ID, theContract, useSandbox } from '../helpers/sandbox.js';
import { VENDOR_PAGES, curlExample, documentedErrors, filledIn, readPage } from '../helpers/vendor-pages.js';

const run = promisify(execFile);

describe('the contract against the vendor pages it is written from', () => {
  it.each(VENDOR_PAGES)('documents every error code of $file, with its key', async ({ file, operationId }) => {
    const contract = await theContract();
    const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
    const page = documentedErrors(readPage(file));
    expect(page.length).toBeGreaterThan(4);
    for (const { code, key } of page) {
      const entry = operation?.errors.find((candidate) => candidate.code === code);
      expect(entry, `${operationId} documents code ${code}`).toBeDefined();
      if (key) expect(entry?.key).toBe(key);
    }
  });

  it('documents no vendor code for an operation that its pages do not list', async () => {
    const contract = await theContract();
    for (const operation of contract.operations.filter((candidate) => candidate.tags.includes('promotions'))) {
      const pageCodes = new Set(
        VENDOR_PAGES.filter((page) => page.operationId === operation.operationId).flatMap((page) =>
          documentedErrors(readPage(page.file)).map(({ code }) => code),
        ),
      );
      const vendorCodes = operation.errors.filter((entry) => entry.keySource === 'vendor').map((entry) => entry.code);
      expect(vendorCodes.filter((code) => !pageCodes.has(code)), operation.operationId).toEqual([]);
    }
  });

  it('holds each catalogue entry (key, code, message) to the vendor page it cites, word for word', async () => {
    const contract = await theContract();
    const examples = contract.document.components?.examples ?? {};
    for (const entry of contract.catalogue.entries) {
      const page = (examples[entry.id] as { 'x-vendor-page'?: string } | undefined)?.['x-vendor-page'];
      if (entry.keySource === 'vendor' && !entry.sandboxOnly) expect(page, `${entry.key} cites the page its key comes from`).toBeDefined();
      if (page === undefined) continue;
      const text = readPage(page);
      if (!page.endsWith('.txt')) {
        // A page of the vendor's other docs, summed up in api-facts.md: the message as it says it.
        expect(text, entry.key).toContain(entry.message);
        continue;
      }
      const row = documentedErrors(text).find(({ code }) => code === entry.code);
      expect(row, `${page} documents code ${entry.code}`).toBeDefined();
      if (row?.key) {
        // A page that prints keys: the key, and its description whole as the message.
        expect(row.key, page).toBe(entry.key);
        expect(entry.message, `${entry.key} on ${page}`).toBe(row.description);
      } else {
        // The older page prints no keys, and advice after what went wrong: its first sentence.
        expect(row?.description.split(/(?<=\.) /)[0], `${entry.key} on ${page}`).toBe(entry.message);
      }
    }
  });

  it('merges the two POST pages: documents the union of their codes, which its description lists', async () => {
    const contract = await theContract();
    const operationId = 'deactivatePromotionForCustomer';
    const post = contract.operations.find((operation) => operation.operationId === operationId);
    const pages = VENDOR_PAGES.filter((page) => page.operationId === operationId).map((page) => documentedErrors(readPage(page.file)).map(({ code }) => code));
    const both = [...new Set(pages.flat())].sort();
    // Each page lists a code the other does not: the union is more than either.
    expect(pages).toHaveLength(2);
    for (const codes of pages) expect(both.length, String(codes)).toBeGreaterThan(codes.length);
    expect(post?.errors.map((entry) => entry.code).filter((code) => both.includes(code)).sort()).toEqual(both);
    const description = String(contract.dereferenced.paths?.[post?.path ?? '']?.post?.description).replace(/\s+/g, ' ');
    const listed = /the union of their error codes \(([^)]*)\)/.exec(description)?.[1]?.split(', ').map(Number);
    expect(listed?.sort()).toEqual(both);
  });
});

describe('each call answers a code in the words of its own page', () => {
  const sandbox = useSandbox({ logLevel: 'silent', unknownPromotions: 'not-found' });

  it.each(VENDOR_PAGES.filter((page) => !page.file.includes('older')))('$operationId: 404 as $file says it', async ({ file, operationId }) => {
    const row = documentedErrors(readPage(file)).find(({ code }) => code === 404);
    const response = await sandbox.inject(callOf(operationId, freshIds()));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ data: null, errors: [{ code: 404, message: row?.description }] });
  });
});

describe('the pages\' curl examples, pasted as printed with a host and an id filled in', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let origin = '';
  beforeAll(async () => {
    origin = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await sandbox.app.close();
  });

  it.each(VENDOR_PAGES)('$file answers 200 {"data": true, "errors": []} through real curl', async ({ file }) => {
    const example = curlExample(readPage(file));
    expect(example.headers.some((header) => header.startsWith('Authorization: Basic'))).toBe(true);
    const args = ['--silent', '--show-error', '--location', '--request', example.method, filledIn(example.url, origin, PROMOTION_ID)];
    for (const header of example.headers) args.push('--header', header);
    if (example.data !== undefined) args.push('--data', example.data);
    args.push('--write-out', '\n%{http_code}');
    const { stdout } = await run('curl', args);
    const [body, status] = stdout.split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body ?? '')).toEqual({ data: true, errors: [] });
  });
});
