import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/contract/operations.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { servesOperation } from '../../src/http/served-operations.js';
import { callUrl } from '../../src/contract/operation-call.js';
import { freshIds } from '../helpers/calls.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { theContract } from '../helpers/sandbox.js';

// Stoplight's Prism, as a validating proxy (`prism proxy --errors`) in front of the built command:
// a tool nobody here wrote matches each answer to the contract's operation and checks its status,
// headers and body. The calls: every request of the sandbox's own Postman collection (each
// documented answer of the vendor's calls), and every operation of the contract with its example
// values, then with a query parameter it does not take and, where it takes a body, a broken one.
// Prism answers a call it cannot match, or one without the credentials the operation asks for,
// itself: those never reach the sandbox, and are not sent.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONTRACT = join(ROOT, 'openapi', 'promotions.yaml');
const PRISM_MANIFEST = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
/** Prism's command, as its package declares it (spawned with this Node). */
const PRISM = join(dirname(PRISM_MANIFEST), (JSON.parse(readFileSync(PRISM_MANIFEST, 'utf8')) as { bin: { prism: string } }).bin.prism);
const OPERATOR_TOKEN = 'operator-token-of-the-prism-proxy-test';
const CREDENTIALS = { authorization: `Basic ${Buffer.from('prism:proxy').toString('base64')}`, 'x-sandbox-operator-token': OPERATOR_TOKEN };
/** The problem documents Prism sends instead of an answer: https://stoplight.io/prism/errors#VIOLATIONS and the like. */
const PRISM_PROBLEM = 'https://stoplight.io/prism/errors#';

const contract = await theContract();

interface Call {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

interface PostmanItem {
  readonly name: string;
  readonly item?: PostmanItem[];
  readonly request?: { readonly method: string; readonly url: string; readonly header: { key: string; value: string }[] };
}

const leaves = (items: readonly PostmanItem[]): PostmanItem[] => items.flatMap((item) => (item.item ? leaves(item.item) : [item]));

/** Each request of the collection the sandbox serves, its variables filled in. */
async function collectionCalls(sandbox: string): Promise<Call[]> {
  const collection = (await (await fetch(`${sandbox}/postman-collection.json`)).json()) as { item: PostmanItem[] };
  return leaves(collection.item).flatMap(({ name, request }) =>
    request
      ? [{
          name: `collection: ${name}`,
          method: request.method,
          path: request.url.replace('{{baseUrl}}', ''),
          headers: Object.fromEntries(request.header.map(({ key, value }) => [key, value.replace('{{authorization}}', CREDENTIALS.authorization)])),
        }]
      : [],
  );
}

/** The operation's example body, as JSON text, when it takes one. */
function exampleBody(operation: Operation): string | undefined {
  const media = operation.requestBody?.content['application/json'];
  if (!media) return undefined;
  const [first] = Object.values(media.examples ?? {});
  return JSON.stringify(media.example ?? (first && 'value' in first ? first.value : {}));
}

/** Every operation with its examples; then refused: a query parameter it does not take, a body that is no JSON. */
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
      ...(body === undefined ? [] : [{ ...call, name: `${operation.operationId} with a broken body`, path, body: '{' }]),
    ];
  });
}

/** Starts Prism's proxy in front of `upstream`; resolves with its URL once it listens. */
function startPrism(upstream: string, running: ChildProcess[]): Promise<string> {
  const prism = spawn(process.execPath, [PRISM, 'proxy', CONTRACT, upstream, '--host', '127.0.0.1', '--port', '0', '--errors', '--validate-request', 'false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(prism);
  let output = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening?.[1]) resolve(listening[1]);
    };
    prism.stdout.on('data', seen);
    prism.stderr.on('data', seen);
    prism.on('exit', (code) => reject(new Error(`prism exited (${String(code)}) before it listened:\n${output}`)));
  });
}

/** What Prism found wrong with each answer: its violations header, or the problem it sent instead. */
async function findings(prism: string, calls: readonly Call[]): Promise<string[]> {
  const found: string[] = [];
  for (const call of calls) {
    const answer = await fetch(`${prism}${call.path}`, { method: call.method, headers: call.headers, ...(call.body === undefined ? {} : { body: call.body }) });
    const text = await answer.text();
    const violations = answer.headers.get('sl-violations');
    if (violations) found.push(`${call.name}: ${String(answer.status)} ${violations}`);
    else if (text.includes(PRISM_PROBLEM)) found.push(`${call.name}: ${String(answer.status)} ${text}`);
  }
  return found;
}

describe('the built command\'s answers, through Prism\'s validating proxy', () => {
  const sandboxes = stoppedAfterEach();
  const proxies: ChildProcess[] = [];
  afterEach(async () => {
    const stopping = proxies.splice(0);
    await Promise.all(stopping.map((proxy) => new Promise((resolve) => (proxy.exitCode === null ? proxy.once('exit', resolve).kill() : resolve(undefined)))));
  });

  it('every call served: the collection\'s, and each operation\'s with good and refused input, none with a violation', async () => {
    const sandbox = startCli(['--metrics', '--admin-token', OPERATOR_TOKEN, '--rate-limit', '100000'], { HOST: '127.0.0.1', PORT: '0' });
    sandboxes.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const prism = await startPrism(url, proxies);
    const calls = [...(await collectionCalls(url)), ...operationCalls(contract.operations)];
    expect(calls.length).toBeGreaterThan(contract.operations.length * 2);
    expect(await findings(prism, calls)).toEqual([]);
  }, 60_000);

  it('the defaults: the calls not served answer what their operation documents', async () => {
    const sandbox = startCli([], { HOST: '127.0.0.1', PORT: '0' });
    sandboxes.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const prism = await startPrism(url, proxies);
    const unserved = contract.operations.filter((operation) => !servesOperation(DEFAULT_CONFIG)(operation));
    expect(unserved.length).toBeGreaterThan(0);
    expect(await findings(prism, operationCalls(unserved))).toEqual([]);
  }, 60_000);
});
