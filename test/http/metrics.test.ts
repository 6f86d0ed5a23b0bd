import { describe, expect, it } from 'vitest';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { DEACTIVATE_PATH, theContract, useSandbox } from '../helpers/sandbox.js';

const POST = 'deactivatePromotionForCustomer';
/** Distinctive strings: none of them, nor the tenant ids they make, may appear in the metrics. */
const CANARY_USER = 'canary-till-7f3a9c';
const CANARY_BASIC = `Basic ${Buffer.from(`${CANARY_USER}:canary-password-5e1d`).toString('base64')}`;
const CANARY_SESSION = 'canary-session-91b2';
const OPERATOR_TOKEN = 'canary-operator-token-4c8e0d2a9f71b3';

/** The value of one sample of the exposition, by its name and labels as written; undefined if absent. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('--metrics', () => {
  const sandbox = useSandbox({ logLevel: 'silent', metrics: true, adminToken: OPERATOR_TOKEN, rateLimit: 3 });
  const scrape = async (): Promise<string> => {
    const response = await sandbox.app.inject({ url: '/metrics' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return response.body;
  };
  const headers = { authorization: CANARY_BASIC, 'x-sandbox-session': CANARY_SESSION };

  it('counts answers by operation, status, envelope code and scenario, forced and refused ones too, with a latency per operation', async () => {
    const catalogue = (await theContract()).catalogue;
    const openCart = catalogue.entries.find((entry) => entry.code === 737);
    const rateLimited = catalogue.get(REQUIRED_KEYS.rateLimitExceeded);
    if (!openCart) throw new Error('the catalogue has no 737');
    for (const customerId of [1, 2]) {
      expect((await sandbox.app.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=${customerId}`, headers })).statusCode).toBe(200);
    }
    const forced = await sandbox.app.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=3`, headers: { ...headers, 'x-sandbox-scenario': 'open-cart' } });
    expect(forced.statusCode).toBe(openCart.httpStatus);
    // The fourth call of the key in this minute is over its budget of 3: refused in admission, still counted.
    expect((await sandbox.app.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=4`, headers })).statusCode).toBe(rateLimited.httpStatus);

    const exposition = await scrape();
    expect(sample(exposition, `sandbox_answers_total{operation="${POST}",status="200",code="",scenario=""}`)).toBe(2);
    expect(sample(exposition, `sandbox_answers_total{operation="${POST}",status="${openCart.httpStatus}",code="737",scenario="open-cart"}`)).toBe(1);
    expect(sample(exposition, `sandbox_answers_total{operation="${POST}",status="${rateLimited.httpStatus}",code="${rateLimited.code}",scenario=""}`)).toBe(1);
    expect(sample(exposition, `sandbox_answer_duration_seconds_count{operation="${POST}"}`)).toBe(4);
    expect(sample(exposition, `sandbox_answer_duration_seconds_bucket{le="+Inf",operation="${POST}"}`)).toBe(4);
    // /metrics itself is not rate limited: many more scrapes than the budget of 3.
    for (let scrapes = 0; scrapes < 5; scrapes += 1) await scrape();
    // Counted as they leave, handed to prom-client when scraped: once, however often it is scraped.
    const again = await scrape();
    expect(sample(again, `sandbox_answers_total{operation="${POST}",status="200",code="",scenario=""}`)).toBe(2);
    expect(sample(again, `sandbox_answer_duration_seconds_count{operation="${POST}"}`)).toBe(4);
    expect((await sandbox.app.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=5`, headers: { ...headers, 'x-sandbox-scenario': 'open-cart' } })).statusCode).toBe(rateLimited.httpStatus);
    expect(sample(await scrape(), `sandbox_answers_total{operation="${POST}",status="${rateLimited.httpStatus}",code="${rateLimited.code}",scenario=""}`)).toBe(2);
  });

  it('reads the tenants and the readiness from the store on each scrape, and has the process metrics', async () => {
    const listed = await sandbox.app.inject({ url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': OPERATOR_TOKEN } });
    const tenants = listed.json<{ data: unknown[] }>().data.length;
    expect(tenants).toBeGreaterThan(0);
    const before = await scrape();
    expect(sample(before, 'sandbox_tenants')).toBe(tenants);
    expect(sample(before, 'sandbox_store_ready')).toBe(1);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(before, name).toContain(`# TYPE ${name} `);
    }
    await sandbox.app.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=1`, headers: { authorization: CANARY_BASIC, 'x-sandbox-session': `${CANARY_SESSION}-2` } });
    expect(sample(await scrape(), 'sandbox_tenants')).toBe(tenants + 1);
  });

  it('never shows a credential, a session or a tenant id', async () => {
    const listed = await sandbox.app.inject({ url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': OPERATOR_TOKEN } });
    const tenantIds = listed.json<{ data: { tenant: string }[] }>().data.map((summary) => summary.tenant);
    expect(tenantIds.length).toBeGreaterThan(0);
    const exposition = await scrape();
    for (const secret of [CANARY_USER, CANARY_BASIC.slice('Basic '.length), 'canary-password', CANARY_SESSION, OPERATOR_TOKEN, 'canary', ...tenantIds]) {
      expect(exposition, secret).not.toContain(secret);
    }
    // Every label value is the contract's or the scenario set's: the operations' ids, statuses, codes, scenario names.
    const contract = await theContract();
    const operations = new Set(contract.operations.map((operation) => operation.operationId));
    for (const [, operation] of exposition.matchAll(/operation="([^"]*)"/g)) expect(operations).toContain(operation);
  });

  it('are not kept in the request history', async () => {
    await scrape();
    const history = await sandbox.app.inject({ url: '/__sandbox/requests', headers });
    const paths = history.json<{ data: { requests: { path: string }[] } }>().data.requests.map((entry) => entry.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => path.startsWith('/metrics'))).toEqual([]);
  });
});

describe('without --metrics', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('/metrics is the contract\'s 404 for a path it does not serve', async () => {
    const routeNotFound = (await theContract()).catalogue.get(REQUIRED_KEYS.routeNotFound);
    const response = await sandbox.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(routeNotFound.httpStatus);
    expect(response.json()).toEqual({ data: null, errors: [{ code: routeNotFound.code, message: `${routeNotFound.message} Got GET /metrics; the contract is at /openapi.json.` }] });
  });
});
