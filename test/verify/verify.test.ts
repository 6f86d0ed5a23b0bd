import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/auth/credentials.js';
import type { PlanOptions } from '../../src/client/plan-checks.js';
import { type VerifyReport, verify } from '../../src/client/verify.js';
import { writesFromFlags } from '../../src/client/write-flags.js';
import { type CatalogueEntry, REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { type Contract, loadContract } from '../../src/contract/load-contract.js';
import { SuccessAnswers } from '../../src/contract/success-answers.js';
import { listeningUrl, runCli, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL_SET, suiteRedisUrl, flushRedis, freePort } from '../helpers/redis.js';
import { documentedAnswerLabels, vendorOperations } from '../helpers/documented-answers.js';
import { PROMOTION_READ_ID, contractWithPromotionRead, promotionReadScenarios } from '../helpers/promotion-read.js';
import { PROMOTION_ID, theContract, useSandbox } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('verify');

type Answer = { status: number; body: unknown; type?: string };
type Mutation = (request: FastifyRequest, answer: Answer) => Answer;

/**
 * A small stand-in for the vendor's API, right by default, wrong in the way a mutation says. It
 * serves every vendor operation of the contract it is given, from that contract: 401 without
 * credentials, the contract's own request check (its first finding's documented error), 404 for
 * a promotion it does not hold, else the operation's documented success.
 */
async function standIn(contract: Contract, mutate: Mutation = (_request, answer) => answer, held: ReadonlySet<string> = new Set([PROMOTION_ID])): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  const checks = compileContractChecks(contract);
  const successes = await SuccessAnswers.generate(contract, 1);
  const envelope = (entry: CatalogueEntry): Answer => ({ status: entry.httpStatus, body: { data: null, errors: [{ code: entry.code, message: entry.message }] } });
  for (const operation of vendorOperations(contract)) {
    const entry = (found: (candidate: CatalogueEntry) => boolean) => {
      const documented = operation.errors.find(found);
      if (!documented) throw new Error(`${operation.operationId} documents no such answer`);
      return envelope(documented);
    };
    const answerOf = (request: FastifyRequest): Answer => {
      if (!request.headers.authorization) return entry((candidate) => candidate.key === REQUIRED_KEYS.authenticationFailed);
      const params = request.params as Record<string, string>;
      const validation = checks.requests.get(operation.operationId)?.({ params, query: request.query as Record<string, string>, headers: request.headers, body: undefined });
      if (validation && !validation.valid && validation.diagnostics[0]) return envelope(validation.diagnostics[0].error);
      if (params.promotionId !== undefined && !held.has(params.promotionId)) return entry((candidate) => candidate.httpStatus === 404);
      const success = successes.of(operation);
      return { status: success.statusCode, body: success.body };
    };
    app.route({
      method: operation.method,
      url: operation.path.replace(/\{([^}]+)\}/g, ':$1'),
      handler: (request, reply) => {
        const final = mutate(request, answerOf(request));
        return reply.code(final.status).header('x-cap-requestid', 'r-1').type(final.type ?? 'application/json').send(final.body);
      },
    });
  }
  const port = await freePort();
  return { app, url: await app.listen({ host: '127.0.0.1', port }) };
}

const failures = (report: VerifyReport) =>
  report.results.filter((result) => result.status === 'failed').map((result) => `${result.check.answer.operationId} ${result.check.answer.code}: ${result.problems.join('; ')}`);

describe('verify against this sandbox', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let url = '';
  beforeAll(async () => {
    url = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
  });

  it('asks for every documented answer of the vendor\'s calls and finds each conforms', async () => {
    const contract = await theContract();
    const report = await verify(contract, { baseUrl: url, credentials: {} });
    expect(report.target).toBe('sandbox');
    expect(failures(report)).toEqual([]);
    expect(report.results.map((result) => `${result.check.answer.operationId} ${result.check.answer.code}`).sort()).toEqual(documentedAnswerLabels(contract).sort());
    expect(report).toMatchObject({ passed: documentedAnswerLabels(contract).length, failed: 0, skipped: 0 });
  });
});

describe('verify against servers that are not the vendor\'s API as documented', () => {
  const servers: FastifyInstance[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  const run = async (mutate?: Mutation, contract: Contract | Promise<Contract> = theContract(), options: { writes?: PlanOptions['writes']; held?: ReadonlySet<string> } = {}) => {
    const { app, url } = await standIn(await contract, mutate, options.held);
    servers.push(app);
    return verify(await contract, { baseUrl: url, credentials: { basic: 'partner:secret' }, ...(options.writes ? { writes: options.writes } : {}) });
  };
  /** The checks verify made a call for (the others it skipped, saying why). */
  const asked = (report: VerifyReport) => report.results.filter((result) => result.check.request !== undefined);

  it('a correct API: only calls that change nothing, all conform; successes that write and state errors are skipped', async () => {
    const report = await run();
    expect(report.target).toBe('api');
    expect(failures(report)).toEqual([]);
    expect(asked(report).length).toBeGreaterThan(0);
    expect(report.passed).toBe(asked(report).length);
    const successes = report.results.filter((result) => result.check.answer.key === null);
    expect(successes.length).toBeGreaterThan(0);
    for (const result of successes) expect(result.problems[0], result.check.answer.operationId).toContain('--allow-writes');
  });

  it('a read of a contract of one\'s own: its success is asked for without --allow-writes, on its own path, and judged', async () => {
    const contract = loadContract(contractWithPromotionRead());
    const readSuccess = (report: VerifyReport) => report.results.find((result) => result.check.answer.operationId === PROMOTION_READ_ID && result.check.answer.key === null);
    const report = await run(undefined, contract);
    expect(failures(report)).toEqual([]);
    expect(readSuccess(report)).toMatchObject({ status: 'passed', httpStatus: 200 });
    // Served the vendor's success envelope instead of the promotion: the read's own schema catches it.
    const wrong = await run((request, answer) => (request.method === 'GET' && answer.status === 200 ? { ...answer, body: { data: true, errors: [] } } : answer), contract);
    expect(readSuccess(wrong)).toMatchObject({ status: 'failed', problems: [expect.stringMatching(/body\/data must be object/)] });
  });

  it('with --allow-writes, each write is asked for with the ids given, and conforms', async () => {
    const promotion = 'cccccccccccccccccccccccc';
    const writes = writesFromFlags({ promotionId: promotion, customerId: '42', globalPromotionId: promotion });
    const report = await run(undefined, theContract(), { writes, held: new Set([promotion]) });
    expect(failures(report)).toEqual([]);
    const successes = report.results.filter((result) => result.check.answer.key === null);
    expect(successes.length).toBeGreaterThan(0);
    for (const result of successes) expect(result.check.request?.path, result.check.answer.operationId).toContain(promotion);
    for (const result of successes) expect(result.status, result.check.answer.operationId).toBe('passed');
  });

  it('a wrong HTTP status', async () => {
    const report = await run((_request, answer) => (JSON.stringify(answer.body).includes('725') ? { ...answer, status: 422 } : answer));
    expect(failures(report)).toEqual([expect.stringMatching(/^deactivatePromotionGlobally 725: HTTP 422, documented 400; 422: error code 725 is not documented for this status$/)]);
  });

  it('a wrong envelope', async () => {
    const report = await run((_request, answer) => (answer.status === 404 ? { ...answer, body: { error: 'not found' } } : answer));
    expect(failures(report)).toHaveLength(asked(report).filter((result) => result.check.answer.httpStatus === 404).length);
    expect(failures(report)[0]).toMatch(/404: .*body must have required property 'data'/);
  });

  it('a missing field', async () => {
    const report = await run((_request, answer) => (answer.status === 401 ? { ...answer, body: { data: null, errors: [{ code: 401 }] } } : answer));
    expect(failures(report)).toHaveLength(asked(report).filter((result) => result.check.answer.httpStatus === 401).length);
    expect(failures(report)[0]).toMatch(/401: .*body\/errors\/0 must have required property 'message'/);
  });

  it('an undocumented code', async () => {
    const report = await run((request, answer) => (request.method === 'POST' && answer.status === 400 ? { ...answer, body: { data: null, errors: [{ code: 999, message: 'new' }] } } : answer));
    expect(failures(report)).toEqual([expect.stringMatching(/^deactivatePromotionForCustomer 400: .*error code 999 is not documented for this status; code 999, asked for 400/)]);
  });

  it('an HTML page', async () => {
    const report = await run((_request, answer) => ({ ...answer, status: 200, type: 'text/html', body: '<html>Maintenance</html>' }));
    expect(report.failed).toBe(asked(report).length);
    expect(failures(report)[0]).toMatch(/content-type is text\/html, not application\/json/);
  });

  it('an API that refuses the credentials: one reason, no check run', async () => {
    const refusing = Fastify();
    refusing.all('/*', (_request, reply) =>
      reply.code(401).header('x-cap-requestid', 'r-1').send({ data: null, errors: [{ code: 401, message: 'Authentication failed. Please check username and password.' }] }),
    );
    const port = await freePort();
    const url = await refusing.listen({ host: '127.0.0.1', port });
    servers.push(refusing);
    const report = await verify(await theContract(), { baseUrl: url, credentials: { basic: 'partner:wrong' } });
    expect(report).toMatchObject({ target: 'api', failed: 1, results: [] });
    expect(report.error).toBe(
      `cannot verify ${url}: the server refused the credentials (401): the Basic credential given (--basic); pass the client's with --basic <user:password> (SANDBOX_BASIC), --authorization <header> (SANDBOX_AUTHORIZATION), or --oauth-key and --oauth-secret (SANDBOX_OAUTH_KEY, SANDBOX_OAUTH_SECRET)`,
    );
  });

  it('a server that is down', async () => {
    const report = await verify(await theContract(), { baseUrl: `http://127.0.0.1:${await freePort()}`, credentials: {} });
    expect(report.error).toMatch(/cannot verify http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(report.failed).toBe(1);
  });
});

describe('promotions-sandbox verify and coverage, on the command line', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let url = '';
  /** How many answers the contract documents for the vendor's calls. */
  let documented = 0;
  beforeAll(async () => {
    url = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
    documented = documentedAnswerLabels(await theContract()).length;
  });

  it('verify: exit 0, a JUnit report with one test case per documented answer, JSON on request, no credential printed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'verify-'));
    const junit = join(folder, 'verify.xml');
    const text = await runCli(['verify', '--base-url', url, '--basic', 'partner:topsecret', '--junit', junit]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${documented} passed, 0 failed, 0 skipped`);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(documented);
    expect(xml).toContain('name="deactivatePromotionForCustomer 737 PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART"');
    const json = await runCli(['verify', '--json'], { SANDBOX_BASE_URL: url, SANDBOX_BASIC: 'partner:topsecret' });
    expect((JSON.parse(json.stdout) as { passed: number }).passed).toBe(documented);
    for (const output of [text.stdout, text.stderr, json.stdout, xml]) {
      expect(output).not.toContain('topsecret');
      expect(output).not.toContain(md5Hex('topsecret'));
    }
  });

  it('verify: exit 1 when the server is down, the problem on stderr and no report on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['verify', '--base-url', `http://127.0.0.1:${await freePort()}`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^✗ cannot verify .*ECONNREFUSED\n$/);
    expect(stdout).toBe('');
  });

  it('coverage: passes a minimum the client met, fails --require-all, with a JUnit report', async () => {
    const client = { authorization: `Basic ${Buffer.from(`client:${md5Hex('pw')}`).toString('base64')}` };
    await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=7`, { method: 'POST', headers: client });
    await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=737000737`, { method: 'POST', headers: client });
    // The client received two documented answers: a minimum of what two make is met.
    const received = (100 * 2) / documented;
    const minimum = Math.floor(received);
    const enough = await runCli(['coverage', '--base-url', url, '--basic', 'client:pw', '--min', String(minimum)]);
    expect(enough.code).toBe(0);
    expect(enough.stdout).toContain('✓ deactivatePromotionForCustomer 737 PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART: received 1 time');
    expect(enough.stdout).toContain(`2 of ${documented} documented answers received (${received.toFixed(0)}%; ${minimum}% required): OK`);
    const tooMuch = await runCli(['coverage', '--base-url', url, '--basic', 'client:pw', '--min', String(minimum + 1)]);
    expect(tooMuch.code).toBe(1);
    const junit = join(mkdtempSync(join(tmpdir(), 'coverage-')), 'coverage.xml');
    const all = await runCli(['coverage', '--base-url', url, '--basic', 'client:pw', '--require-all', '--junit', junit]);
    expect(all.code).toBe(1);
    // The report on stdout, met or not, so that `coverage --require-all > report.txt` keeps it:
    // one line per documented answer, then the verdict the README prints; nothing on stderr.
    const report = all.stdout.trim().split('\n');
    expect(report).toHaveLength(documented + 1);
    expect(report.at(-1)).toBe(`2 of ${documented} documented answers received (${received.toFixed(0)}%; all required): NOT ENOUGH`);
    expect(all.stderr).toBe('');
    expect(readFileSync(junit, 'utf8').match(/<failure /g)).toHaveLength(documented - 2);
  });
});

// A sandbox started as users start it (dist/cli.js) with a contract that adds a world read, and
// verify run as users run it with that contract: the read is asked for on its own path.
const FIXTURE = contractWithPromotionRead();
const FIXTURE_SCENARIOS = promotionReadScenarios();

function verifyWithTheFixture(store: 'memory' | 'redis', storeArgs: () => Promise<string[]>): void {
  const running = stoppedAfterEach();

  it(`verify --base-url (${store}): every documented answer of the fixture's operations conforms, the read's on its own path`, async () => {
    const sandbox = startCli(['--contract', FIXTURE, '--scenarios', FIXTURE_SCENARIOS, ...(await storeArgs())], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const run = await runCli(['verify', '--contract', FIXTURE, '--base-url', url, '--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { passed: number; failed: number; skipped: number; results: { operationId: string; code: number; status: string; httpStatus: number | null }[] };
    expect(report.results.filter((result) => result.status !== 'passed')).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.results.map((result) => `${result.operationId} ${result.code}`).sort()).toEqual(documentedAnswerLabels(await loadContract(FIXTURE)).sort());
    // Its 200 passed getPromotion's own schema (data: the promotion), which no deactivation answers.
    expect(report.results.find((result) => result.operationId === PROMOTION_READ_ID && result.code === 200)).toMatchObject({ status: 'passed', httpStatus: 200 });
  });

  it(`the read answers the tenant's world through the built command (${store}): ACTIVE, INACTIVE after a global deactivation`, async () => {
    const sandbox = startCli(['--contract', FIXTURE, '--scenarios', FIXTURE_SCENARIOS, ...(await storeArgs())], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const headers = { authorization: `Basic ${Buffer.from(`reader:${md5Hex('pw')}`).toString('base64')}`, 'x-sandbox-session': `read-${store}` };
    const read = async (): Promise<unknown> => (await fetch(`${url}/api_gateway/v1/promotions/${PROMOTION_ID}`, { headers })).json();
    expect(await read()).toEqual({ data: { id: PROMOTION_ID, status: 'ACTIVE' }, errors: [] });
    const state = async () => ((await (await fetch(`${url}/__sandbox/state`, { headers })).json()) as { data: { changes: Record<string, unknown[]> } }).data.changes;
    expect(Object.values(await state()).flat()).toEqual([]);
    expect((await fetch(`${url}/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate`, { method: 'PUT', headers })).status).toBe(200);
    expect(await read()).toEqual({ data: { id: PROMOTION_ID, status: 'INACTIVE' }, errors: [] });
  });
}

describe('a contract that adds a world read, on the command line (memory)', () => {
  verifyWithTheFixture('memory', () => Promise.resolve([]));
});

describeWith(REDIS_URL_SET, 'a contract that adds a world read, on the command line (Redis)', () => {
  verifyWithTheFixture('redis', async () => {
    await flushRedis(REDIS);
    return ['--redis', REDIS];
  });
});
