// The caches the build makes for a faster start (contract, validators, successes): a start that
// uses them answers as one that does not, and they serve only what they were made from.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SuccessAnswers } from '../../src/contract/success-answers.js';
import { readScenarioFolder, DEFAULT_SCENARIOS_DIRECTORY } from '../../src/scenarios/load-scenarios.js';
import { contentHash } from '../../src/contract/build-store.js';
import { storeContract } from '../../src/contract/contract-cache.js';
import { compileContractChecks, type ContractChecks } from '../../src/contract/contract-checks.js';
import { type Contract, DEFAULT_CONTRACT_PATH, loadContract, readDocument } from '../../src/contract/load-contract.js';
import type { Operation } from '../../src/contract/operations.js';
import type { RawRequest } from '../../src/contract/request-validator.js';
import type { SentResponse } from '../../src/contract/response-validator.js';
import { ajvCompiler, type CompileSchema } from '../../src/contract/schema-compiler.js';
import { schemaCompilerFor, storeValidators } from '../../src/contract/stored-validators.js';
import { storeSuccesses } from '../../src/contract/success-cache.js';
import { theContract } from '../helpers/sandbox.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-contract.yaml', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'start-caches-'));
const file = (name: string) => join(folder, `${name}-${Math.random().toString(36).slice(2)}.json`);
const shippedText = readFileSync(DEFAULT_CONTRACT_PATH, 'utf8');

describe('the stored contract', () => {
  /** A cache of the shipped contract whose title says it came from the cache. */
  async function doctoredCache(sourceHash: string): Promise<string> {
    const read = await readDocument(DEFAULT_CONTRACT_PATH, shippedText);
    const cache = file('contract');
    storeContract(sourceHash, { ...read, document: { ...read.document, info: { ...read.document.info, title: 'from the cache' } } }, cache);
    return cache;
  }

  it('gives the same contract as reading the YAML', async () => {
    const cache = file('contract');
    storeContract(contentHash(shippedText), await readDocument(DEFAULT_CONTRACT_PATH, shippedText), cache);
    const stored = await loadContract(DEFAULT_CONTRACT_PATH, cache);
    const read = await loadContract(DEFAULT_CONTRACT_PATH, join(folder, 'none.json'));
    expect(stored).toEqual(read);
  });

  it('is used while the YAML is the one it was made from', async () => {
    expect((await loadContract(DEFAULT_CONTRACT_PATH, await doctoredCache(contentHash(shippedText)))).document.info.title).toBe('from the cache');
  });

  it('is not used once the YAML changed', async () => {
    expect((await loadContract(DEFAULT_CONTRACT_PATH, await doctoredCache(contentHash(`${shippedText}\n`)))).document.info.title).not.toBe('from the cache');
  });

  it('is not used for a contract of ones own, even with the same text', async () => {
    const own = join(folder, 'own.yaml');
    copyFileSync(DEFAULT_CONTRACT_PATH, own);
    expect((await loadContract(own, await doctoredCache(contentHash(shippedText)))).document.info.title).not.toBe('from the cache');
  });

  it('is not used when made by an older build, without the resolved document', async () => {
    const cache = file('contract');
    writeFileSync(cache, JSON.stringify({ sourceHash: contentHash(shippedText), document: { openapi: '3.1.0', info: { title: 'old', version: '1' }, paths: {} } }));
    expect((await loadContract(DEFAULT_CONTRACT_PATH, cache)).document.info.title).not.toBe('old');
  });
});

/** Text values worth trying on a parameter: its example, and what breaks one type or another. */
function textsFor(operation: Operation, name: string): (string | string[] | undefined)[] {
  const example = operation.parameters.find((parameter) => parameter.name === name)?.example as unknown;
  return [typeof example === 'string' || typeof example === 'number' ? String(example) : undefined, undefined, '', 'x', '12', '-1', '1.5', 'true', 'a'.repeat(300), '68fb1e6831d91c625a8d9ef4', '`68fb1e6831d91c625a8d9ef4`', ['1', '2']];
}

/** Requests that vary one parameter (or the body) at a time around the examples. */
function requestsFor(operation: Operation): RawRequest[] {
  const base = (): { params: Record<string, string | undefined>; query: Record<string, string | string[] | undefined>; headers: Record<string, string | string[] | undefined> } => {
    const request = { params: {} as Record<string, string | undefined>, query: {} as Record<string, string | string[] | undefined>, headers: {} as Record<string, string | string[] | undefined> };
    for (const parameter of operation.parameters) {
      const text = textsFor(operation, parameter.name)[0];
      if (parameter.in === 'path') request.params[parameter.name] = text as string | undefined;
      else if (parameter.in === 'query') request.query[parameter.name] = text;
      else request.headers[parameter.name.toLowerCase()] = text;
    }
    return request;
  };
  const requests: RawRequest[] = [{ ...base(), body: undefined }];
  for (const parameter of operation.parameters) {
    for (const text of textsFor(operation, parameter.name)) {
      const request = base();
      if (parameter.in === 'path') request.params[parameter.name] = Array.isArray(text) ? text[0] : text;
      else if (parameter.in === 'query') request.query[parameter.name] = text;
      else request.headers[parameter.name.toLowerCase()] = text;
      requests.push({ ...request, body: undefined });
    }
  }
  for (const body of [{}, [], 'x', 1, null, { name: 'open-cart' }, { name: 1 }, { operation: 'x', count: 0 }, { count: 'x' }, { unknown: true }]) {
    requests.push({ ...base(), body });
  }
  return requests;
}

/** Answers for each declared status: its examples, and bodies that break the envelope. */
function responsesFor(operation: Operation): SentResponse[] {
  const responses: SentResponse[] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    const media = response.content?.['application/json'];
    const examples: unknown[] = [media?.example as unknown, ...Object.values(media?.examples ?? {}).map((example) => ('value' in example ? (example.value as unknown) : undefined))].filter((body) => body !== undefined);
    for (const body of [...examples, {}, { data: null, errors: [] }, { data: true, errors: [{ code: 'x' }] }, []]) {
      responses.push({ statusCode: Number(status.replace('XX', '00')) || 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
    }
    responses.push({ statusCode: Number(status) || 500, headers: { 'content-type': 'text/plain' }, body: 'x' });
  }
  return responses;
}

/** Every answer of every check, as data, to compare two ways of compiling them. */
function answersOf(contract: Contract, checks: ContractChecks, scenarioSchema: object, scenarioFiles: unknown[]): unknown[] {
  const answers: unknown[] = [];
  for (const operation of contract.operations) {
    for (const request of requestsFor(operation)) answers.push(checks.requests.get(operation.operationId)?.(request));
    for (const response of responsesFor(operation)) answers.push(checks.responses.get(operation.operationId)?.(response));
  }
  answers.push(checks.unrouted({ statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"data":null,"errors":[]}' }));
  answers.push(checks.unrouted({ statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"errors":"x"}' }));
  const validate = checks.compile(scenarioSchema);
  for (const content of scenarioFiles) answers.push([validate(content), validate.errors]);
  return answers;
}

describe('the stored validators', () => {
  let contract: Contract;
  let schemas: Set<object>;
  let scenarioSchema: object;
  const scenarioContents: unknown[] = [];
  const refuseAll = `module.exports = new Proxy({}, { get: () => function refuse() { refuse.errors = [{ keyword: 'stored', instancePath: '', schemaPath: '#', params: {}, message: 'refused by the stored validator' }]; return false; } });`;

  beforeAll(async () => {
    contract = await theContract();
    const compile = ajvCompiler(contract.dereferenced);
    schemas = new Set();
    const recording: CompileSchema = (schema) => {
      schemas.add(schema);
      return compile(schema);
    };
    compileContractChecks(contract, recording);
    const contents = await readScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY);
    scenarioSchema = JSON.parse(contents.schemaText) as object;
    schemas.add(scenarioSchema);
    const { parse } = await import('yaml');
    for (const { text } of contents.files) {
      const content = parse(text) as Record<string, unknown>;
      scenarioContents.push(content, { ...content, name: 7 }, { ...content, unknown: 1 }, { ...content, operations: [] }, {});
    }
  });

  it('answer every request, answer and scenario file as Ajv does', () => {
    const cache = file('validators');
    storeValidators(contract, schemas, cache);
    const stored = schemaCompilerFor(contract, cache);
    // Each schema is served from the store: an Ajv function would carry its schemaEnv.
    for (const schema of schemas) expect(stored(schema)).not.toHaveProperty('schemaEnv');
    const fromStore = answersOf(contract, compileContractChecks(contract, stored), scenarioSchema, scenarioContents);
    const fromAjv = answersOf(contract, compileContractChecks(contract, ajvCompiler(contract.dereferenced)), scenarioSchema, scenarioContents);
    expect(fromStore.length).toBeGreaterThan(500);
    expect(fromStore).toEqual(fromAjv);
  });

  const validCall = (checks: ContractChecks) =>
    checks.requests.get('deactivatePromotionForCustomer')?.({ params: { promotionId: '68fb1e6831d91c625a8d9ef4' }, query: { customerId: '1' }, headers: {}, body: undefined });

  it('are used while the contract is the one they were made from', () => {
    const cache = file('validators');
    writeFileSync(cache, JSON.stringify({ contractHash: contract.sourceHash, code: refuseAll }));
    expect(validCall(compileContractChecks(contract, schemaCompilerFor(contract, cache)))).toMatchObject({ valid: false });
    expect(validCall(compileContractChecks(contract, ajvCompiler(contract.dereferenced)))).toMatchObject({ valid: true });
  });

  it('are not used once the contract changed', () => {
    const cache = file('validators');
    writeFileSync(cache, JSON.stringify({ contractHash: contentHash(`${shippedText}\n`), code: refuseAll }));
    expect(validCall(compileContractChecks(contract, schemaCompilerFor(contract, cache)))).toMatchObject({ valid: true });
  });

  it('do not serve a contract of ones own: its schemas are compiled by Ajv', async () => {
    const cache = file('validators');
    storeValidators(contract, schemas, cache);
    const tiny = await loadContract(TINY);
    const compile = schemaCompilerFor(tiny, cache);
    const checks = compileContractChecks(tiny, compile);
    const widget = tiny.operations.find((operation) => operation.operationId === 'getWidget');
    expect(compile(widget?.parameters[0]?.schema ?? {})).toHaveProperty('schemaEnv');
    expect(checks.requests.get('getWidget')?.({ params: { widgetId: '7' }, query: {}, headers: {}, body: undefined })).toMatchObject({ valid: true });
    expect(checks.requests.get('getWidget')?.({ params: { widgetId: '0' }, query: {}, headers: {}, body: undefined })).toMatchObject({ valid: false });
  });
});

describe('the stored successes', () => {
  it('are the generated ones', async () => {
    const contract = await theContract();
    const cache = file('successes');
    const generated = await SuccessAnswers.generate(contract, 1);
    storeSuccesses(contract.sourceHash, 1, generated.answers, cache);
    expect((await SuccessAnswers.of(contract, 1, cache)).answers).toStrictEqual(generated.answers);
  });

  /** A cache whose every answer is a 299 with a mark, for the given contract hash and seed. */
  async function doctoredCache(contractHash: string, seed: number, drop?: string): Promise<string> {
    const contract = await theContract();
    const cache = file('successes');
    const answers = new Map(contract.operations.filter((operation) => operation.operationId !== drop).map((operation) => [operation.operationId, { statusCode: 299, body: 'stored' }]));
    storeSuccesses(contractHash, seed, answers, cache);
    return cache;
  }
  const statusOf = async (cache: string, seed: number) => {
    const contract = await theContract();
    const answers = await SuccessAnswers.of(contract, seed, cache);
    return answers.of(contract.operations[0] as Operation).statusCode;
  };

  it('are used for the contract and seed they were made with', async () => {
    expect(await statusOf(await doctoredCache((await theContract()).sourceHash, 1), 1)).toBe(299);
  });

  it('are not used with another seed, another contract, or an operation missing', async () => {
    const { sourceHash, operations } = await theContract();
    expect(await statusOf(await doctoredCache(sourceHash, 1), 2)).not.toBe(299);
    expect(await statusOf(await doctoredCache(contentHash('another'), 1), 1)).not.toBe(299);
    expect(await statusOf(await doctoredCache(sourceHash, 1, operations.at(-1)?.operationId), 1)).not.toBe(299);
  });
});
