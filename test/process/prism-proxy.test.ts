import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedAnswers } from '../../src/client/documented-answers.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { callUrl } from '../../src/contract/operation-call.js';
import type { Operation } from '../../src/contract/operations.js';
import { servesOperation } from '../../src/http/served-operations.js';
import { REQUEST_ID_HEADER } from '../../src/http/request-id.js';
import { freshIds } from '../helpers/calls.js';
import { ROOT, listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { collectionRequests, servedCollection } from '../helpers/postman-collection.js';
import { prismUrl, startPrismProxy } from '../helpers/prism-process.js';
import { theContract } from '../helpers/sandbox.js';

// Stoplight's Prism, as a validating proxy in front of the built command: a tool nobody here
// wrote matches each answer to the contract's operation and checks its status, headers and body.
// The calls: every request of the sandbox's own Postman collection (each documented answer of the
// vendor's calls), and every operation of the contract with its example values, then with a query
// parameter it does not take and, where it takes a body, one of another media type. Prism answers
// some calls itself (no credentials the operation asks for, a path or method the contract does
// not have, a JSON body it cannot parse): none is sent, and an answer without the sandbox's
// X-Cap-Requestid, which every answer of the sandbox carries, counts as Prism's.

const CONTRACT = join(ROOT, 'openapi', 'promotions.yaml');
const OPERATOR_TOKEN = 'operator-token-of-the-prism-proxy-test';
const CREDENTIALS = { authorization: `Basic ${Buffer.from('prism:proxy').toString('base64')}`, 'x-sandbox-operator-token': OPERATOR_TOKEN };
const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

const contract = await theContract();

interface Call {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Each request of the collection the sandbox serves, its variables filled in. */
async function collectionCalls(sandbox: string): Promise<Call[]> {
  return collectionRequests((await servedCollection(sandbox)).item).map(({ name, request }) => ({
    name: `collection: ${name}`,
    method: request.method,
    path: request.url.replace('{{baseUrl}}', ''),
    headers: Object.fromEntries(request.header.map(({ key, value }) => [key, value.replace('{{authorization}}', CREDENTIALS.authorization)])),
  }));
}

/** The operation's example body, as JSON text, when it takes one. */
function exampleBody(operation: Operation): string | undefined {
  const media = operation.requestBody?.content['application/json'];
  if (!media) return undefined;
  const [first] = Object.values(media.examples ?? {});
  return JSON.stringify(media.example ?? (first && 'value' in first ? first.value : {}));
}

/** Every operation with its examples; then refused: a query parameter it does not take, a body that is not JSON. */
function operationCalls(operations: readonly Operation[]): Call[] {
  return operations.flatMap((operation) => {
    const { method } = operation;
    const path = callUrl(operation, freshIds());
    const body = exampleBody(operation);
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const call = { method, headers: { ...CREDENTIALS, ...json }, ...(body === undefined ? {} : { body }) };
    return [
      { ...call, name: `${operation.operationId} with its examples`, path },
      { ...call, name: `${operation.operationId} with an unknown query parameter`, path: `${path}${path.includes('?') ? '&' : '?'}prism-proxy-test=1` },
      ...(body === undefined ? [] : [{ ...call, name: `${operation.operationId} with a text body`, path, headers: { ...CREDENTIALS, 'content-type': 'text/plain' } }]),
    ];
  });
}

/** What is wrong with each answer: Prism's violations header, or an answer the sandbox did not give. */
async function findings(prism: string, calls: readonly Call[]): Promise<string[]> {
  const found: string[] = [];
  for (const call of calls) {
    const answer = await fetch(`${prism}${call.path}`, { method: call.method, headers: call.headers, ...(call.body === undefined ? {} : { body: call.body }) });
    const text = await answer.text();
    const violations = answer.headers.get('sl-violations');
    if (violations) found.push(`${call.name}: ${String(answer.status)} ${violations}`);
    else if (!answer.headers.has(REQUEST_ID_HEADER)) found.push(`${call.name}: ${String(answer.status)}, answered by Prism: ${text}`);
  }
  return found;
}

describe('the built command\'s answers, through Prism\'s validating proxy', () => {
  const running = stoppedAfterEach();

  it('every call served: the collection\'s, and each operation\'s with good and refused input, none with a violation', async () => {
    const sandbox = startCli(['--metrics', '--admin-token', OPERATOR_TOKEN, '--rate-limit', '100000'], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const prism = startPrismProxy(CONTRACT, url);
    running.push(prism);
    const collection = await collectionCalls(url);
    expect(collection.length).toBeGreaterThanOrEqual(documentedAnswers(contract).length);
    expect(await findings(await prismUrl(prism), [...collection, ...operationCalls(contract.operations)])).toEqual([]);
  }, 90_000);

  it('the defaults: the calls not served answer what their operation documents', async () => {
    const sandbox = startCli([], LOCAL);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const prism = startPrismProxy(CONTRACT, url);
    running.push(prism);
    const unserved = contract.operations.filter((operation) => !servesOperation(DEFAULT_CONFIG)(operation));
    expect(unserved.length).toBeGreaterThan(0);
    expect(await findings(await prismUrl(prism), operationCalls(unserved))).toEqual([]);
  }, 90_000);
});
