import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { DOCS_PATH } from '../../src/http/docs/docs-path.js';
import { MemoryStore } from '../../src/world/memory-store.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

// Seeded, so a failure replays: fast-check prints the seed and the path of the failing case.
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

const contract = await theContract();
// slow-success and connection-dropped are left out: a latency only slows the run, and inject has
// no connection to drop (both are tested on their own, the drop over a real socket).
const scenarioNames = ['open-cart', 'unexpected-error', 'flaky-then-success', 'rate-limited', 'expiry-job-running', 'nope', ''];
const FORCES_500 = new Set(['unexpected-error', 'flaky-then-success']);

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });
const hex24 = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 24, maxLength: 24 });
const oddText = fc.oneof(
  printable,
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '-1', '0', '1e3', '0x10', '９９', '𝟘', '%00', '%zz', '..%2F..', '`', '__proto__', 'constructor'),
  fc.constantFrom('9'.repeat(30), 'x'.repeat(600), '1'.repeat(19)),
);

const promotionId = fc.oneof(hex24, hex24.map((id) => `\`${id}\``), oddText, fc.constantFrom('000000000000000000000500', '000000000000000000000706', '000000000000000000000811', '000000000000000000000429', '00000000000000000000f1a7'));
const customerId = fc.oneof(fc.integer({ min: 1, max: 2 ** 53 }).map(String), oddText, fc.constantFrom('737000737', '200000200'));
const earnId = fc.oneof(hex24, fc.constant('null'), oddText);

const queryOf = fc.record(
  { customerId: fc.oneof(customerId, fc.array(customerId, { minLength: 2, maxLength: 3 })), earnId, extra: printable },
  { requiredKeys: [] },
);

const COLLECTION_PATH = contract.operations.find((operation) => operation.operationId === 'getPostmanCollection')?.path;
/** The docs page's documents (`/openapi.json`, `/openapi.yaml`, `/docs`), by path: their media type, as the contract declares it. */
const DOCS_PAGE_MEDIA = new Map(
  contract.operations.filter((operation) => operation.servedByDocsPage).map((operation) => [operation.path, Object.keys(operation.responses['200']?.content ?? {})[0] ?? '']),
);
const contractPaths = [...new Set(contract.operations.map((operation) => operation.path))];
const path = fc.oneof(
  { weight: 6, arbitrary: promotionId.map((id) => `/api_gateway/v1/promotions/${encodeURIComponent(id).replaceAll('%60', '`')}/deactivate`) },
  { weight: 2, arbitrary: fc.constantFrom(...contractPaths.map((template) => template.replace(/\{[^}]+\}/g, 'abc'))) },
  // (no backslash: light-my-request itself cannot build such a URL; Node's parser takes it)
  { weight: 1, arbitrary: printable.map((text) => `/${text.replace(/[?#\s\\]/g, '')}`) },
  { weight: 1, arbitrary: fc.constantFrom('/api_gateway/v1/promotions//deactivate', '/api_gateway/v1/promotions/%zz/deactivate', `/${'a/'.repeat(300)}`) },
);

const credentials = fc.oneof(
  fc.constant({ authorization: 'Basic ZnV6ejpmdXp6' }),
  fc.constant({ authorization: 'Basic ZnV6ejI6ZnV6eg==' }),
  fc.constant({}),
  printable.map((text) => ({ authorization: text })),
  printable.map((text) => ({ authorization: `Basic ${text}` })),
  printable.map((text) => ({ 'x-cap-api-oauth-token': text })),
);

const sandboxHeaders = fc.record(
  {
    'x-sandbox-scenario': fc.oneof(fc.constantFrom(...scenarioNames), printable),
    prefer: fc.oneof(fc.constantFrom('code=737', 'code=500', 'code=811', 'code=999', 'code=abc', 'code=', 'respond-async'), printable),
    'x-sandbox-session': fc.oneof(fc.constantFrom('job-1', 'job-2'), printable),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', 'multipart/form-data', '*/*', ''),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/json, application/json'),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {"polluted": 1}}}', '{"a":', '[]', 'null', '"text"', `{"pad":"${'x'.repeat(5000)}"}`),
  printable,
);

const request = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path,
    query: queryOf,
    credentials,
    headers: sandboxHeaders,
    body,
  })
  .map(({ method, path: url, query, credentials: auth, headers, body: payload }): InjectOptions => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) for (const item of [value].flat()) search.append(name, item);
    const cleanHeaders = Object.fromEntries(Object.entries({ ...headers, ...auth }).filter(([, value]) => value !== ''));
    return {
      method,
      url: `${url}${search.size > 0 ? `?${search.toString()}` : ''}`,
      headers: cleanHeaders,
      ...(payload === undefined || method === 'GET' || method === 'HEAD' ? {} : { payload }),
    };
  });

const STACK_OR_INTERNALS = /\n\s+at |\/work\/|node_modules|\/dist\/|\/src\/|Error: /;

describe(`fuzzing requests from the contract (${RUNS} cases, seed ${SEED})`, () => {
  const store = new MemoryStore({ journalSize: 20, idleMs: 3_600_000, maxTenants: 1_000 });
  // Every answer is checked against the contract by the helper after the test, too.
  const sandbox = useSandbox({ logLevel: 'silent', bodyLimit: 4096 }, undefined, { store });
  const totalChanges = async () => (await store.tenants()).reduce((sum, tenant) => sum + tenant.changes, 0);

  it('every answer is in the envelope, never a 5xx unless forced, never a stack trace, and the world changes only on success', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (options) => {
        const before = await totalChanges();
        const response = await sandbox.app.inject(options);
        const shown = `${options.method ?? ''} ${typeof options.url === 'string' ? options.url : ''}`;
        const scenario = response.headers['x-sandbox-scenario'];
        if (response.statusCode >= 500) expect(FORCES_500.has(String(scenario)), `${response.statusCode} for ${shown}`).toBe(true);
        // The one answer that is no envelope: `/` sends a browser to the docs page.
        const home = response.statusCode === 302 && response.headers.location === DOCS_PATH;
        if (home) expect(options.method, `a redirect for ${shown}`).toMatch(/^(GET|HEAD)$/);
        // The other: the Postman collection, a document of its own format.
        const collection = response.statusCode === 200 && shown.split('?')[0] === `GET ${COLLECTION_PATH}`;
        if (collection) expect(response.json<{ info: { schema: string } }>().info.schema).toMatch(/^https:\/\/schema\.getpostman\.com\//);
        // And the docs page's documents, each in the media type the contract declares (the contract's own text names src/ files).
        const document = response.statusCode === 200 && DOCS_PAGE_MEDIA.get(shown.split('?')[0]?.split(' ')[1] ?? '');
        if (document) expect(response.headers['content-type']).toMatch(new RegExp(`^${document}`));
        if (options.method !== 'HEAD' && !home && !collection && !document) {
          expect(response.headers['content-type']).toMatch(/^application\/json/);
          const parsed = response.json<{ data: unknown; errors: unknown }>();
          expect(Object.keys(parsed)).toEqual(expect.arrayContaining(['data', 'errors']));
        }
        if (!document) expect(response.body).not.toMatch(STACK_OR_INTERNALS);
        expect(response.headers['x-cap-requestid']).toBeDefined();
        const after = await totalChanges();
        // Only a documented success changes a world: a deactivation adds, a reset takes away.
        if (after !== before) expect(response.statusCode, `the world changed on ${response.statusCode} for ${shown}`).toBe(200);
        if (after > before) expect(shown).toMatch(/^(POST|PUT) \/api_gateway\/.*\/deactivate/);
        if (after < before) expect(shown).toMatch(/^POST \/__sandbox\/reset/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});

/** A tenant the clock moves and the time-bound calls share: the fuzzer's credential, with or without a session. */
const tenantHeaders = fc.constantFrom<Record<string, string>>({}, { 'x-sandbox-session': 'job-1' }, { 'x-sandbox-session': 'job-2' }).map((session) => ({ authorization: 'Basic ZnV6ejpmdXp6', ...session }));
/** Moves of the clock, forward and (refused) back, small and past the default promotion's validTill. */
const clockMove = fc
  .record({
    headers: tenantHeaders,
    move: fc.oneof(
      fc.integer({ min: 0, max: 1000 }).map((seconds) => ({ advanceSeconds: seconds })),
      fc.integer({ min: -5, max: -1 }).map((seconds) => ({ advanceSeconds: seconds })),
      fc.constantFrom({ time: '2100-01-01T00:00:00Z' }, { time: '2020-01-01T00:00:00Z' }),
    ),
  })
  .map(({ headers, move }): InjectOptions => ({ method: 'POST', url: '/__sandbox/clock', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(move) }));
/** The calls whose answers the clock decides: the open cart, the expiry job, the default promotion, and reading the clock and the state. */
const timedCall = fc
  .record({ headers: tenantHeaders, which: fc.constantFrom('cart', 'job', 'default', 'clock', 'state', 'reset'), customer: fc.integer({ min: 1, max: 5 }) })
  .map(({ headers, which, customer }): InjectOptions => {
    switch (which) {
      case 'cart':
        return { method: 'POST', url: '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=737000737', headers };
      case 'job':
        return { method: 'PUT', url: '/api_gateway/v1/promotions/000000000000000000000811/deactivate', headers };
      case 'default':
        return { method: 'POST', url: `/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=${String(customer)}`, headers };
      case 'reset':
        return { method: 'POST', url: '/__sandbox/reset', headers };
      default:
        return { method: 'GET', url: `/__sandbox/${which}`, headers };
    }
  });
const step = fc.oneof({ weight: 3, arbitrary: request }, { weight: 1, arbitrary: clockMove }, { weight: 2, arbitrary: timedCall });

describe('determinism under fuzzing', () => {
  it('the same requests and clock moves in the same order from a fresh world give identical answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const answersOf = async () => {
          // Each fresh world's tenants start their clocks at the same wall time: with the frozen clock, nothing else moves it.
          const store = new MemoryStore({ journalSize: 20, idleMs: 3_600_000, maxTenants: 1_000, now: () => Date.UTC(2026, 11, 1, 10) });
          const app = await buildApp(configWith({ logLevel: 'silent', bodyLimit: 4096 }), { contract, store });
          const answers: string[] = [];
          // Slow and dropped answers are left out: they would only make the property slow.
          for (const options of steps.filter((candidate) => !/slow-success|connection-dropped|d1a7|d20b/.test(JSON.stringify(candidate)))) {
            const response = await app.inject(options);
            answers.push(`${response.statusCode} ${String(response.headers['x-sandbox-scenario'] ?? '')} ${response.body}`);
          }
          await app.close();
          return answers;
        };
        expect(await answersOf()).toEqual(await answersOf());
      }),
      { seed: SEED, numRuns: 25 },
    );
  }, 120_000);
});
