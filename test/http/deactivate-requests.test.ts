import { describe, expect, it } from 'vitest';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { DEACTIVATE_PATH, bodyOf, theContract, useSandbox } from '../helpers/sandbox.js';

const SUCCESS = { data: true, errors: [] };
// PUT deactivates the promotion for everyone, so the global calls use a promotion of their own.
const GLOBAL_PATH = '/api_gateway/v1/promotions/aaaaaaaaaaaaaaaaaaaaaaaa/deactivate';
const post = (query: string) => ({ method: 'POST' as const, url: `${DEACTIVATE_PATH}${query}` });

describe('a valid call gets the documented success', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  // Each call deactivates something in the tenant's world, so each uses a customer of its own.
  it.each([
    ['POST with customerId', post('?customerId=566881933')],
    ['POST with earnId=null, the literal the docs send', post('?customerId=566881934&earnId=null')],
    ['POST with a customerId with leading zeros', post('?customerId=000566881935')],
    [
      'POST with a 24-hex earnId of a PAYMENT_VOUCHER promotion',
      { method: 'POST' as const, url: '/api_gateway/v1/promotions/00000000000000000000E200/deactivate?customerId=200000201&earnId=0000000000000000000EA200' },
    ],
    ['PUT', { method: 'PUT' as const, url: GLOBAL_PATH }],
    ['PUT with a trailing slash', { method: 'PUT' as const, url: `${GLOBAL_PATH}/` }],
    ['PUT with the id in backticks, as the pages print the path', { method: 'PUT' as const, url: GLOBAL_PATH.replace('/aaaa', '/%60aaaa').replace('/deactivate', '%60/deactivate') }],
  ])('%s', async (_name, call) => {
    const response = await sandbox.inject(call);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(SUCCESS);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('takes Content-Type: application/json with an empty body, a duplicated Accept and a Cookie', async () => {
    const response = await sandbox.inject({
      ...post('?customerId=566881936&earnId=null'),
      headers: {
        accept: ['application/json', 'application/json'],
        'content-type': 'application/json',
        cookie: '_cfuvid=DWAI.W93CwD8Hhdi338lKP84bJoUrRqwVps-1761979737913-0.0.1.1-604800000',
      },
      payload: '',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(SUCCESS);
  });

  it('ignores a well-formed JSON body and unknown query parameters', async () => {
    const response = await sandbox.inject({ ...post('?customerId=566881937&utm_source=x'), payload: { note: 'ignored' } });
    expect(response.json()).toEqual(SUCCESS);
  });

  it('gives every answer an X-Cap-Requestid of its own', async () => {
    const answers = await Promise.all([
      sandbox.inject(post('?customerId=1')),
      sandbox.inject(post('?customerId=oops')),
      sandbox.inject({ method: 'GET', url: '/nowhere' }),
      sandbox.inject({ ...post('?customerId=1'), headers: { authorization: '' } }),
    ]);
    const ids = answers.map((response) => response.headers['x-cap-requestid']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not take a request id from the caller', async () => {
    const response = await sandbox.inject({ ...post('?customerId=1'), headers: { 'x-cap-requestid': 'forged', 'request-id': 'forged' } });
    expect(response.headers['x-cap-requestid']).not.toBe('forged');
  });
});

describe('an invalid call gets the documented error naming the parameter', () => {
  const sandbox = useSandbox({ logLevel: 'silent', bodyLimit: 1024 });

  it.each([
    ['customerId missing', post(''), 400, 'Query parameter customerId is required'],
    ['customerId not a number', post('?customerId=abc'), 400, 'Query parameter customerId must be an integer (got "abc")'],
    ['customerId in exponent form', post('?customerId=1e3'), 400, 'customerId must be an integer'],
    ['customerId with a sign', post('?customerId=-5'), 400, 'customerId must be >= 1'],
    ['customerId zero', post('?customerId=0'), 400, 'customerId must be >= 1'],
    ['customerId empty', post('?customerId='), 400, 'customerId must be an integer (got "")'],
    ['customerId twice', post('?customerId=1&customerId=2'), 400, 'customerId must be given once'],
    ['customerId one past int64', post('?customerId=9223372036854775808'), 400, 'Query parameter customerId must be at most 9223372036854775807, the largest int64 (got "9223372036854775808")'],
    ['customerId of 36 digits', post('?customerId=123456789012345678901234567890123456'), 400, 'Query parameter customerId must be at most 9223372036854775807'],
    ['earnId not 24-hex', post('?customerId=1&earnId=123'), 400, 'Query parameter earnId must match pattern'],
    ['earnId empty', post('?customerId=1&earnId='), 400, 'Query parameter earnId must match pattern'],
  ])('POST: %s', async (_name, call, code, message) => {
    const response = await sandbox.inject(call);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).data).toBeNull();
    expect(bodyOf(response).errors[0]?.code).toBe(code);
    expect(bodyOf(response).errors[0]?.message).toContain(message);
  });

  it('POST: the largest int64 customerId is taken, digit for digit', async () => {
    const largest = '9223372036854775807';
    expect(bodyOf(await sandbox.inject(post(`?customerId=${largest}`)))).toEqual({ data: true, errors: [] });
    // The same customer again: deactivated already (its id was not rounded to another's).
    expect(bodyOf(await sandbox.inject(post(`?customerId=${largest}`))).errors[0]?.code).toBe(404);
    expect(bodyOf(await sandbox.inject(post('?customerId=9223372036854775806'))).data).toBe(true);
  });

  it('POST: a malformed promotion id is code 400', async () => {
    const response = await sandbox.inject({ method: 'POST', url: '/api_gateway/v1/promotions/not-an-id/deactivate?customerId=1' });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([
      { code: 400, message: expect.stringContaining('Path parameter promotionId must match pattern') as string },
    ]);
  });

  it('POST: reports every problem, path first', async () => {
    const response = await sandbox.inject({ method: 'POST', url: '/api_gateway/v1/promotions/x/deactivate?customerId=y' });
    expect(bodyOf(response).errors.map((error) => error.message.split('. ')[1]?.split(' ').slice(0, 3).join(' '))).toEqual([
      'Path parameter promotionId',
      'Query parameter customerId',
    ]);
  });

  it.each([
    ['not hex', '/api_gateway/v1/promotions/zzzzzzzzzzzzzzzzzzzzzzzz/deactivate'],
    ['too short', '/api_gateway/v1/promotions/68fb1e68/deactivate'],
    ['empty', '/api_gateway/v1/promotions//deactivate'],
  ])('PUT: a promotion id that is %s is code 725 with HTTP 400', async (_name, url) => {
    const response = await sandbox.inject({ method: 'PUT', url });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors[0]?.code).toBe(725);
    expect(bodyOf(response).errors[0]?.message).toMatch(/^The provided ID is not in a valid format\. Path parameter promotionId/);
  });

  it('malformed JSON is 400', async () => {
    const response = await sandbox.inject({ ...post('?customerId=1'), headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ code: 400, message: 'Required parameters are missing or invalid. The body is not valid JSON.' }]);
  });

  it.each(['{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}'])(
    'a JSON body with a prototype key is 400 and pollutes nothing: %s',
    async (payload) => {
      const response = await sandbox.inject({ ...post('?customerId=1'), headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors[0]?.message).toContain('forbidden key');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('an oversized body is 413', async () => {
    const response = await sandbox.inject({ ...post('?customerId=1'), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(2048) }) });
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response).errors).toEqual([{ code: 413, message: 'Request body is too large.' }]);
  });

  it('a body in another content type is 415; the same header with no body is fine', async () => {
    const withBody = await sandbox.inject({ ...post('?customerId=1'), headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(withBody.statusCode).toBe(415);
    expect(bodyOf(withBody).errors[0]?.code).toBe(415);
    expect(bodyOf(withBody).errors[0]?.message).toContain('"text/plain"');
    const empty = await sandbox.inject({ ...post('?customerId=1'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(empty.statusCode).toBe(200);
  });

  it('a malformed URL is 400', async () => {
    const response = await sandbox.inject({ method: 'POST', url: `${DEACTIVATE_PATH}%zz?customerId=1` });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors[0]?.code).toBe(400);
  });
});

describe('routing and credentials', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('an unknown path is 404 in the envelope, the catalogue\'s SANDBOX.ROUTE_NOT_FOUND naming what was asked', async () => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.routeNotFound);
    const response = await sandbox.inject({ method: 'GET', url: '/api_gateway/v1/promotions?customerId=1' });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({
      data: null,
      errors: [{ code: entry.code, message: `${entry.message} Got GET /api_gateway/v1/promotions; the contract is at /openapi.json.` }],
    });
  });

  it.each(['GET', 'DELETE', 'PATCH', 'OPTIONS'] as const)('%s on the deactivate path is 405 with Allow: POST, PUT (SANDBOX.METHOD_NOT_ALLOWED)', async (method) => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.methodNotAllowed);
    const response = await sandbox.inject({ method, url: DEACTIVATE_PATH });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST, PUT');
    expect(bodyOf(response)).toEqual({ data: null, errors: [{ code: entry.code, message: `${entry.message} Got ${method}; allowed: POST, PUT.` }] });
  });

  it.each([
    ['no Authorization header', {}],
    ['an empty Basic credential', { authorization: 'Basic ' }],
    ['a Bearer token (the vendor wants X-CAP-API-OAUTH-TOKEN)', { authorization: 'Bearer abc' }],
    ['an empty OAuth header', { 'x-cap-api-oauth-token': ' ' }],
  ])('%s is 401 in the envelope', async (_name, headers) => {
    const response = await sandbox.app.inject({ ...post('?customerId=1'), headers });
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toEqual({ data: null, errors: [{ code: 401, message: 'Authentication failed. Please check username and password.' }] });
  });

  it('authentication comes before validation: no credentials and a bad call is 401', async () => {
    const response = await sandbox.app.inject({ method: 'PUT', url: '/api_gateway/v1/promotions/bad/deactivate' });
    expect(response.statusCode).toBe(401);
  });

  it('an OAuth token the sandbox did not issue is 401', async () => {
    const response = await sandbox.app.inject({ ...post('?customerId=1'), headers: { 'x-cap-api-oauth-token': 'eyJhbGciOi' } });
    expect(response.statusCode).toBe(401);
  });

  it('health and readiness need no credentials', async () => {
    expect((await sandbox.app.inject({ url: '/healthz' })).json()).toEqual({ data: { status: 'ok' }, errors: [] });
    expect((await sandbox.app.inject({ url: '/readyz' })).json()).toEqual({ data: { status: 'ready', store: 'memory' }, errors: [] });
  });

  it('sends security headers with the docs pages, and not with the API\'s answers', async () => {
    const docs = await sandbox.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    expect(docs.headers['content-security-policy']).toMatch(/connect-src 'self'(;|$)/);
    // A hosted sandbox over plain HTTP: nothing asks the browser to fetch the assets over https.
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['x-frame-options']).toBe('SAMEORIGIN');
    const asset = await sandbox.app.inject({ url: '/docs/static/swagger-ui.css' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    const api = await sandbox.inject({ method: 'PUT', url: GLOBAL_PATH });
    expect(api.headers['content-security-policy']).toBeUndefined();
  });

  it('serves the contract as JSON and YAML, with the catalogue table generated into it', async () => {
    const json = await sandbox.app.inject({ url: '/openapi.json' });
    expect(json.statusCode).toBe(200);
    const document = json.json<{ openapi: string; info: { description: string } }>();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.description).toContain('| 737 | `PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART` | 400 |');
    // The sandbox's own answers too: those no operation owns under any, the operator's under its call.
    expect(document.info.description).toContain("| 405 | `SANDBOX.METHOD_NOT_ALLOWED` (sandbox's key) | 405 | any |");
    expect(document.info.description).toContain("| 404 | `SANDBOX.TENANT_NOT_FOUND` (sandbox's key) | 404 | `forgetTenant` |");
    // An unknown path's 404, which the calls not served without their setting document too.
    expect(document.info.description).toMatch(/\| 404 \| `SANDBOX.ROUTE_NOT_FOUND` \(sandbox's key\) \| 404 \| any; `[^|]*getMetrics[^|]* when not served \|/);
    const yaml = await sandbox.app.inject({ url: '/openapi.yaml' });
    expect(yaml.headers['content-type']).toContain('yaml');
    expect(yaml.body).toContain('operationId: deactivatePromotionGlobally');
  });
});
