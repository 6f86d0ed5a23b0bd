import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/auth/credentials.js';
import { type VerifyReport, verify } from '../../src/client/verify.js';
import { runCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/redis.js';
import { documentedAnswerLabels } from '../helpers/documented-answers.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

type Answer = { status: number; body: unknown; type?: string };
type Mutation = (request: FastifyRequest, answer: Answer) => Answer;

/** A small stand-in for the vendor's API, right by default, wrong in the way a mutation says. */
async function standIn(mutate: Mutation = (_request, answer) => answer): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  const envelope = (code: number, message: string) => ({ data: null, errors: [{ code, message }] });
  const send = (request: FastifyRequest, reply: FastifyReply, answer: Answer) => {
    const final = mutate(request, answer);
    return reply.code(final.status).header('x-cap-requestid', 'r-1').type(final.type ?? 'application/json').send(final.body);
  };
  app.route({
    method: ['POST', 'PUT'],
    url: '/api_gateway/v1/promotions/:promotionId/deactivate',
    handler: (request, reply) => {
      const { promotionId } = request.params as { promotionId: string };
      const { customerId } = request.query as { customerId?: string };
      if (!request.headers.authorization) return send(request, reply, { status: 401, body: envelope(401, 'Authentication failed. Please check username and password.') });
      if (request.method === 'PUT' && !/^[0-9a-f]{24}$/.test(promotionId)) return send(request, reply, { status: 400, body: envelope(725, 'The provided ID is not in a valid format.') });
      if (request.method === 'POST' && !/^\d+$/.test(customerId ?? '')) return send(request, reply, { status: 400, body: envelope(400, 'Required parameters are missing or invalid.') });
      return send(request, reply, { status: 404, body: envelope(404, 'The promotion does not exist or is not active.') });
    },
  });
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
  const run = async (mutate?: Mutation) => {
    const { app, url } = await standIn(mutate);
    servers.push(app);
    return verify(await theContract(), { baseUrl: url, credentials: { basic: 'partner:secret' } });
  };

  it('a correct API: only calls that change nothing, all conform; successes and state errors are skipped', async () => {
    const report = await run();
    expect(report.target).toBe('api');
    expect(failures(report)).toEqual([]);
    // POST 400, 404, 401; PUT 725, 404, 401. PUT's 400 needs a malformed body no client sends.
    expect(report.passed).toBe(6);
    expect(report.results.find((result) => result.check.answer.code === 200)?.problems[0]).toContain('--allow-writes');
  });

  it('a wrong HTTP status', async () => {
    const report = await run((_request, answer) => (JSON.stringify(answer.body).includes('725') ? { ...answer, status: 422 } : answer));
    expect(failures(report)).toEqual([expect.stringMatching(/^deactivatePromotionGlobally 725: HTTP 422, documented 400; 422: error code 725 is not documented for this status$/)]);
  });

  it('a wrong envelope', async () => {
    const report = await run((_request, answer) => (answer.status === 404 ? { ...answer, body: { error: 'not found' } } : answer));
    expect(failures(report)).toHaveLength(2);
    expect(failures(report)[0]).toMatch(/404: .*body must have required property 'data'/);
  });

  it('a missing field', async () => {
    const report = await run((_request, answer) => (answer.status === 401 ? { ...answer, body: { data: null, errors: [{ code: 401 }] } } : answer));
    expect(failures(report)).toHaveLength(2);
    expect(failures(report)[0]).toMatch(/401: .*body\/errors\/0 must have required property 'message'/);
  });

  it('an undocumented code', async () => {
    const report = await run((request, answer) => (request.method === 'POST' && answer.status === 400 ? { ...answer, body: { data: null, errors: [{ code: 999, message: 'new' }] } } : answer));
    expect(failures(report)).toEqual([expect.stringMatching(/^deactivatePromotionForCustomer 400: .*error code 999 is not documented for this status; code 999, asked for 400/)]);
  });

  it('an HTML page', async () => {
    const report = await run((_request, answer) => ({ ...answer, status: 200, type: 'text/html', body: '<html>Maintenance</html>' }));
    expect(report.failed).toBe(6);
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
