import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ContractError, loadContract } from '../../src/contract/load-contract.js';

type Document = Record<string, unknown>;

/** The object at a path inside a parsed document, for editing. */
function node(document: Document, ...path: string[]): Document {
  return path.reduce<Document>((at, key) => at[key] as Document, document);
}

/** A 404 catalogue entry with its own message. */
function notFound(message: string): Document {
  return { 'x-http-status': 404, 'x-key-source': 'vendor', 'x-condition': 'Not there.', value: { data: null, errors: [{ code: 404, message }] } };
}

/** A 404 response that references the given catalogue entries. */
function notFoundResponse(...keys: string[]): Document {
  const examples = Object.fromEntries(keys.map((key) => [key, { $ref: `#/components/examples/${key}` }]));
  return { description: 'Not found.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' }, examples } } };
}

const TINY = fileURLToPath(new URL('../fixtures/tiny-contract.yaml', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'contract-'));

/** Writes a variant of the tiny contract and returns the problems loading it reports. */
async function problemsOf(change: (document: Document) => void, text?: string): Promise<readonly string[]> {
  const document = parse(readFileSync(TINY, 'utf8')) as Document;
  change(document);
  const file = join(folder, `variant-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text ?? stringify(document));
  const error = await loadContract(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ContractError);
  return (error as ContractError).problems;
}

describe('a contract the sandbox cannot serve faithfully fails to load, saying why', () => {
  it('is not YAML', async () => {
    expect((await problemsOf(() => undefined, 'openapi: [3.1.0\n'))[0]).toMatch(/flow sequence|Unexpected|Missing/i);
  });

  it('is OpenAPI 3.0', async () => {
    expect(await problemsOf((document) => void (document.openapi = '3.0.3'))).toEqual(['not an OpenAPI 3.1 document (openapi: 3.1.x)']);
  });

  it('has a $ref to nowhere', async () => {
    const problems = await problemsOf((document) => void (node(document, 'paths', '/broken', 'get', 'responses', '200', 'content', 'application/json').schema = { $ref: '#/components/schemas/Nope' }));
    expect(problems[0]).toContain('Nope');
  });

  it('has an operation without operationId', async () => {
    expect(await problemsOf((document) => delete node(document, 'paths', '/gadgets', 'get').operationId)).toEqual([
      'paths//gadgets/get: operationId is required (routes, scenarios and coverage use it)',
    ]);
  });

  it('says what to do with an unknown query parameter in a way it does not know', async () => {
    expect(await problemsOf((document) => void (node(document, 'paths', '/gadgets', 'get')['x-sandbox-unknown-query'] = 'warn'))).toEqual([
      'paths//gadgets/get: x-sandbox-unknown-query must be one of ignore, refuse',
    ]);
  });

  it('uses the same operationId twice', async () => {
    expect(await problemsOf((document) => void (node(document, 'paths', '/gadgets', 'get').operationId = 'getWidget'))).toEqual([
      'paths//gadgets/get: operationId getWidget is used twice',
    ]);
  });

  it('has a cookie parameter or a non-default style', async () => {
    const problems = await problemsOf((document) => {
      node(document, 'paths', '/gadgets', 'get').parameters = [
        { name: 'session', in: 'cookie', schema: { type: 'string' } },
        { name: 'ids', in: 'query', style: 'pipeDelimited', schema: { type: 'string' } },
      ];
    });
    expect(problems).toEqual([
      'paths//gadgets/get parameter session: parameters in cookie are not supported',
      'paths//gadgets/get parameter ids: only the default style is supported',
    ]);
  });

  it('takes a body the sandbox cannot parse', async () => {
    const problems = await problemsOf((document) => {
      node(document, 'paths', '/gizmos', 'post', 'requestBody').content = { 'application/xml': { schema: { type: 'string' } } };
    });
    expect(problems).toEqual(['paths//gizmos/post: request body application/xml is not supported']);
  });

  it('has a catalogue entry without a condition', async () => {
    expect(await problemsOf((document) => delete node(document, 'components', 'examples', 'SANDBOX.NOT_READY')['x-condition'])).toEqual([
      '#/components/examples/SANDBOX.NOT_READY: x-condition is missing',
    ]);
  });

  it('marks a decision with something other than a sentence', async () => {
    const problems = await problemsOf((document) => {
      document['x-sandbox-decision'] = ['A sentence is fine here.', 42];
      node(document, 'components', 'examples', 'SANDBOX.NOT_READY')['x-sandbox-decision'] = ['not', 'a list'];
    });
    expect(problems).toEqual([
      '/components/examples/SANDBOX.NOT_READY/x-sandbox-decision: x-sandbox-decision must be a sentence',
      '/x-sandbox-decision: x-sandbox-decision must be a sentence (or, on the document, a list of them)',
    ]);
  });

  it('documents two entries with one code for the same operation', async () => {
    const problems = await problemsOf((document) => {
      node(document, 'components', 'examples')['GLOBAL.WIDGET_NOT_FOUND'] = notFound('No such widget.');
      node(document, 'components', 'examples')['GLOBAL.COLOUR_NOT_FOUND'] = notFound('No such colour.');
      node(document, 'paths', '/widgets/{widgetId}', 'get', 'responses')['404'] = notFoundResponse('GLOBAL.WIDGET_NOT_FOUND', 'GLOBAL.COLOUR_NOT_FOUND');
    });
    expect(problems).toEqual(['#/components/examples/GLOBAL.COLOUR_NOT_FOUND: code 404 is already GLOBAL.WIDGET_NOT_FOUND, both documented by getWidget']);
  });

  it('loads two entries with one code when no operation documents both', async () => {
    const document = parse(readFileSync(TINY, 'utf8')) as Document;
    node(document, 'components', 'examples')['GLOBAL.WIDGET_NOT_FOUND'] = notFound('No such widget.');
    node(document, 'components', 'examples')['GLOBAL.GADGET_NOT_FOUND'] = notFound('No such gadget.');
    node(document, 'paths', '/widgets/{widgetId}', 'get', 'responses')['404'] = notFoundResponse('GLOBAL.WIDGET_NOT_FOUND');
    node(document, 'paths', '/gadgets', 'get', 'responses')['404'] = notFoundResponse('GLOBAL.GADGET_NOT_FOUND');
    const file = join(folder, 'two-404s.yaml');
    writeFileSync(file, stringify(document));
    const contract = await loadContract(file);
    expect(contract.operations.map((operation) => [operation.operationId, operation.errors.map((entry) => entry.key)])).toEqual(
      expect.arrayContaining([
        ['getWidget', ['GLOBAL.WIDGET_NOT_FOUND']],
        ['listGadgets', ['GLOBAL.GADGET_NOT_FOUND']],
      ]),
    );
  });

  it('lacks a catalogue entry the sandbox needs', async () => {
    expect(await problemsOf((document) => delete node(document, 'components', 'examples')['SANDBOX.NOT_READY'])).toEqual([
      '#/components/examples/SANDBOX.NOT_READY: the sandbox needs this catalogue entry',
    ]);
  });

  it('lists a catalogue error under another HTTP status, or under another name', async () => {
    const problems = await problemsOf((document) => {
      node(document, 'paths', '/gadgets', 'get', 'responses')['404'] = {
        description: 'x',
        content: { 'application/json': { examples: { Oops: { $ref: '#/components/examples/GLOBAL.INVALID_INPUT' } } } },
      };
    });
    expect(problems).toEqual([
      'paths//gadgets/get responses/404: example Oops must be named after its key GLOBAL.INVALID_INPUT',
      'paths//gadgets/get responses/404: GLOBAL.INVALID_INPUT has x-http-status 400',
    ]);
  });

  it('uses a schema keyword that JSON Schema 2020-12 does not have', async () => {
    const build = async () => {
      const file = join(folder, 'typo.yaml');
      const document = parse(readFileSync(TINY, 'utf8')) as Document;
      node(document, 'components', 'schemas', 'Widget', 'properties').id = { type: 'integer', minimun: 1 };
      writeFileSync(file, stringify(document));
      const { buildApp } = await import('../../src/app.js');
      const { configWith } = await import('../../src/config.js');
      return buildApp(configWith({ contract: file, logLevel: 'silent', scenarios: fileURLToPath(new URL('../fixtures/tiny-scenarios/', import.meta.url)), onlyOwnScenarios: true }));
    };
    await expect(build()).rejects.toThrow(/getWidget: strict mode: unknown keyword: "minimun"/);
  });
});
