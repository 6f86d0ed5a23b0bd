import { describe, expect, it } from 'vitest';
import type { JournalEntry, JournalPage } from '../../src/world/journal-store.js';
import { BODY_CAP_BYTES, RECORDED_VALUES_CAP, RECORDED_VALUE_LENGTH, isJournaled } from '../../src/http/journal.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { DEACTIVATE_PATH, theContract, useSandbox } from '../helpers/sandbox.js';

const POST = 'deactivatePromotionForCustomer';
const PUT = 'deactivatePromotionGlobally';
const BASIC = 'Basic aGlzdG9yeTpzZWNyZXQtcGFzc3dvcmQ=';
const OPERATOR_TOKEN = 'operator-token-history-0123456789';

describe('the request history shows what the client sent', () => {
  const sandbox = useSandbox({ logLevel: 'silent', journalSize: 20, adminToken: OPERATOR_TOKEN });
  let sessions = 0;
  /** A tenant of the test's own: the Basic credential in a fresh session. */
  const tenant = () => ({ authorization: BASIC, 'x-sandbox-session': `history-${(sessions += 1)}` });

  const history = async (headers: Record<string, string>, query = ''): Promise<JournalPage> => {
    const response = await sandbox.inject({ url: `/__sandbox/requests${query}`, headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ data: JournalPage }>().data;
  };
  const newest = async (headers: Record<string, string>): Promise<JournalEntry> => {
    const [entry] = (await history(headers, '?limit=1')).requests;
    if (!entry) throw new Error('the history is empty');
    return entry;
  };
  const refused = async (headers: Record<string, string>, query: string): Promise<string> => {
    const response = await sandbox.inject({ url: `/__sandbox/requests${query}`, headers });
    expect(response.statusCode, query).toBe(400);
    const body = response.json<{ data: null; errors: { code: number; message: string }[] }>();
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.code).toBe(400);
    return body.errors[0]?.message ?? '';
  };

  describe('each entry', () => {
    it('has the query parameters as received, `earnId=null` and a repeated name included', async () => {
      const headers = tenant();
      const { promotionId } = freshIds();
      await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=566881933&earnId=null`, headers });
      expect((await newest(headers)).query).toEqual({ customerId: '566881933', earnId: 'null' });
      await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=1&customerId=2`, headers });
      expect(await newest(headers)).toMatchObject({ status: 400, query: { customerId: ['1', '2'] } });
    });

    it('has every request header, in lower case, repeated ones as Node joins them', async () => {
      const headers = tenant();
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'x-partner-trace': 'trace-1', accept: 'application/json', 'user-agent': 'partner/2.0' } });
      const entry = await newest(headers);
      expect(entry.headers).toMatchObject({ 'x-partner-trace': 'trace-1', accept: 'application/json', 'user-agent': 'partner/2.0', 'x-sandbox-session': headers['x-sandbox-session'] });
      expect(entry.userAgent).toBe('partner/2.0');
    });

    it('keeps at most 64 header values and 64 query values, each cut to 1,024 characters, and says so', async () => {
      const headers = tenant();
      const valuesOf = (received: JournalEntry['query']) => Object.values(received).flat();
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers });
      expect(await newest(headers)).toMatchObject({ queryTruncated: false, headersTruncated: false });

      const many = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`x-many-${index}`, `${index}`]));
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, ...many } });
      const crowded = await newest(headers);
      expect(valuesOf(crowded.headers)).toHaveLength(RECORDED_VALUES_CAP);
      expect(crowded).toMatchObject({ headersTruncated: true, queryTruncated: false, headers: { authorization: '[redacted]' } });

      const long = 'é'.repeat(RECORDED_VALUE_LENGTH + 10);
      const { promotionId } = freshIds();
      const names = Array.from({ length: 100 }, (_, index) => `q${index}=${index}`).join('&');
      await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=1&${names}`, headers: { ...headers, 'x-long': long } });
      const wide = await newest(headers);
      expect(valuesOf(wide.query)).toHaveLength(RECORDED_VALUES_CAP);
      expect(wide.query).toMatchObject({ customerId: '1', q0: '0', q62: '62' });
      expect(wide.query).not.toHaveProperty('q63');
      expect(wide).toMatchObject({ queryTruncated: true, headersTruncated: true, headers: { 'x-long': long.slice(0, RECORDED_VALUE_LENGTH) } });

      const repeated = Array.from({ length: 100 }, () => 'customerId=1').join('&');
      await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${promotionId}/deactivate?${repeated}`, headers });
      expect(await newest(headers)).toMatchObject({ queryTruncated: true, query: { customerId: Array.from({ length: RECORDED_VALUES_CAP }, () => '1') } });
    });

    it('has the body as the raw text sent, not parsed; null when none was sent', async () => {
      const headers = tenant();
      const sent = '{ "reason": "test",  "reason": "again", "earnId": null }';
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'content-type': 'application/json' }, payload: sent });
      expect(await newest(headers)).toMatchObject({ status: 200, body: sent, bodyTruncated: false });
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'content-type': 'application/json' }, payload: '' });
      expect(await newest(headers)).toMatchObject({ status: 200, body: null, bodyTruncated: false });
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers });
      expect(await newest(headers)).toMatchObject({ status: 200, body: null, bodyTruncated: false });
    });

    it('has a body the sandbox refused, as sent: broken JSON (400), another content type (415)', async () => {
      const headers = tenant();
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'content-type': 'application/json' }, payload: '{"broken":' });
      expect(await newest(headers)).toMatchObject({ status: 400, body: '{"broken":' });
      await sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'content-type': 'text/plain' }, payload: 'plain words' });
      expect(await newest(headers)).toMatchObject({ status: 415, body: 'plain words', bodyTruncated: false });
    });

    it('keeps the first 16 KiB of a longer body, cut at a whole character, and says it was cut', async () => {
      const headers = tenant();
      const send = (payload: string) => sandbox.inject({ ...callOf(PUT, freshIds()), headers: { ...headers, 'content-type': 'application/json' }, payload });
      const exact = JSON.stringify({ fill: 'x'.repeat(BODY_CAP_BYTES - 11) });
      expect(Buffer.byteLength(exact)).toBe(BODY_CAP_BYTES);
      await send(exact);
      expect(await newest(headers)).toMatchObject({ body: exact, bodyTruncated: false });

      const long = JSON.stringify({ fill: 'y'.repeat(BODY_CAP_BYTES * 2) });
      await send(long);
      const cut = await newest(headers);
      expect(cut.bodyTruncated).toBe(true);
      expect(cut.body).toBe(long.slice(0, BODY_CAP_BYTES));

      // Two bytes a character: the cap falls inside one, which is left out whole.
      const accented = JSON.stringify({ fill: 'é'.repeat(BODY_CAP_BYTES) });
      await send(accented);
      const cutAccented = await newest(headers);
      expect(cutAccented.bodyTruncated).toBe(true);
      expect(accented.startsWith(cutAccented.body ?? '-')).toBe(true);
      expect(Buffer.byteLength(cutAccented.body ?? '')).toBe(BODY_CAP_BYTES - 1);
      expect(cutAccented.body).not.toContain('\uFFFD');
    });
  });

  describe('credentials', () => {
    it('replaces Authorization, the OAuth token, Cookie, the operator token and Proxy-Authorization by [redacted], and shows them nowhere', async () => {
      const headers = tenant();
      const secrets = { cookie: 'session=cookie-secret-1', 'x-cap-api-oauth-token': 'oauth-secret-2', 'x-sandbox-operator-token': OPERATOR_TOKEN, 'proxy-authorization': 'Basic cHJveHktc2VjcmV0' };
      await sandbox.inject({ ...callOf(POST, freshIds()), headers: { ...headers, ...secrets } });
      const response = await sandbox.inject({ url: '/__sandbox/requests', headers });
      const [entry] = response.json<{ data: JournalPage }>().data.requests;
      for (const name of ['authorization', ...Object.keys(secrets)]) expect(entry?.headers[name], name).toBe('[redacted]');
      for (const secret of [BASIC.slice(6), ...Object.values(secrets), 'cookie-secret-1', 'cHJveHktc2VjcmV0']) expect(response.body).not.toContain(secret);
    });

    it('redacts by rule: a credential-like name, and a Basic, Bearer or Digest value under any name, the user agent included', async () => {
      const headers = tenant();
      const byName = { 'x-pwd': 'pwd-secret-1', 'x-private-key': 'key-secret-2', 'x-jwt': 'jwt-secret-3', 'x-api-token': 'token-secret-4', 'x-session-id': 'session-secret-5', 'X-Signature-256': 'sig-secret-6' };
      const byValue = { 'x-upstream': 'Bearer bearer-secret-7', 'x-other': 'DIGEST username="digest-secret-8"', 'x-relayed': 'Basic YmFzaWMtc2VjcmV0LTk=', 'user-agent': 'Bearer agent-secret-10' };
      await sandbox.inject({ ...callOf(POST, freshIds()), headers: { ...headers, ...byName, ...byValue, 'x-trace': 'bearer-less value' } });
      const response = await sandbox.inject({ url: '/__sandbox/requests?limit=1', headers });
      const [entry] = response.json<{ data: JournalPage }>().data.requests;
      for (const name of [...Object.keys(byName), ...Object.keys(byValue)]) expect(entry?.headers[name.toLowerCase()], name).toBe('[redacted]');
      expect(entry?.userAgent).toBe('[redacted]');
      expect(entry?.headers['x-trace']).toBe('bearer-less value');
      expect(entry?.headers['x-sandbox-session']).toBe(headers['x-sandbox-session']);
      expect(response.body).not.toMatch(/secret-\d|YmFzaWMtc2VjcmV0LTk/);
    });

    it('redacts the OAuth token of a tenant that authenticates with it', async () => {
      const token = (await sandbox.inject({ method: 'POST', url: '/v3/oauth/token/generate', payload: { key: 'history-key', secret: 'history-secret' } })).json<{ data: { accessToken: string } }>().data.accessToken;
      const headers = { 'x-cap-api-oauth-token': token, 'x-sandbox-session': `history-oauth-${(sessions += 1)}` };
      await sandbox.app.inject({ ...callOf(PUT, freshIds()), headers });
      const response = await sandbox.app.inject({ url: '/__sandbox/requests', headers });
      expect(response.json<{ data: JournalPage }>().data.requests[0]?.headers['x-cap-api-oauth-token']).toBe('[redacted]');
      expect(response.body).not.toContain(token);
      expect(response.body).not.toContain(token.split('.')[2]);
    });
  });

  describe('filters', () => {
    /** Oldest first: 200, 737 (header), PUT 200, 737 (header), 400 (bad customerId), 737 (pinned). */
    const filled = async (): Promise<{ headers: Record<string, string>; ids: string[] }> => {
      const headers = tenant();
      const ids: string[] = [];
      const send = async (options: Parameters<typeof sandbox.inject>[0]) => {
        const response = await sandbox.inject(options);
        ids.push(String(response.headers['x-cap-requestid']));
      };
      const forced = { ...headers, 'x-sandbox-scenario': 'open-cart' };
      await send(callOf(POST, freshIds(), headers));
      await send(callOf(POST, freshIds(), forced));
      await send(callOf(PUT, freshIds(), headers));
      await send(callOf(POST, freshIds(), forced));
      await send({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=x`, headers });
      await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'open-cart', count: 1 } });
      await send(callOf(POST, freshIds(), headers));
      return { headers, ids };
    };
    const selected = async (headers: Record<string, string>, query: string) => {
      const page = await history(headers, query);
      return { total: page.total, ids: page.requests.map((entry) => entry.requestId) };
    };

    it('select by operationId, method (either case), status, code and scenario, all given matching', async () => {
      const { headers, ids } = await filled();
      const [ok, forced1, put, forced2, invalid, pinned] = ids;
      expect(await selected(headers, `?operationId=${PUT}`)).toEqual({ total: 1, ids: [put] });
      expect(await selected(headers, '?method=post')).toEqual({ total: 5, ids: [pinned, invalid, forced2, forced1, ok] });
      expect(await selected(headers, '?method=PUT')).toEqual({ total: 1, ids: [put] });
      expect(await selected(headers, '?status=200')).toEqual({ total: 2, ids: [put, ok] });
      expect(await selected(headers, '?code=737')).toEqual({ total: 3, ids: [pinned, forced2, forced1] });
      expect(await selected(headers, '?scenario=open-cart')).toEqual({ total: 3, ids: [pinned, forced2, forced1] });
      expect(await selected(headers, '?status=400&code=400')).toEqual({ total: 1, ids: [invalid] });
      expect(await selected(headers, `?operationId=${POST}&status=200`)).toEqual({ total: 1, ids: [ok] });
      expect(await selected(headers, '?code=404')).toEqual({ total: 0, ids: [] });
    });

    it('since a request id: the calls after it', async () => {
      const { headers, ids } = await filled();
      const [, forced1, put, forced2, invalid, pinned] = ids;
      expect(await selected(headers, `?since=${forced1}`)).toEqual({ total: 4, ids: [pinned, invalid, forced2, put] });
      expect(await selected(headers, `?since=${forced1}&code=737`)).toEqual({ total: 2, ids: [pinned, forced2] });
      expect(await selected(headers, `?since=${pinned}`)).toEqual({ total: 0, ids: [] });
    });

    it('since a time: the calls at or after it, in any offset', async () => {
      const headers = tenant();
      await sandbox.inject(callOf(PUT, freshIds(), headers));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const since = new Date();
      await sandbox.inject(callOf(PUT, freshIds(), headers));
      await sandbox.inject(callOf(POST, freshIds(), headers));
      expect((await history(headers, `?since=${since.toISOString()}`)).total).toBe(2);
      const inParis = new Date(since.getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
      expect((await history(headers, `?since=${encodeURIComponent(inParis)}`)).total).toBe(2);
      expect((await history(headers, `?since=${new Date(Date.now() + 60_000).toISOString()}`)).total).toBe(0);
    });

    it('limit keeps the newest; total counts every call selected: "retried 737 three times"', async () => {
      const { headers, ids } = await filled();
      const page = await history(headers, '?code=737&limit=1');
      expect(page.total).toBe(3);
      expect(page.requests.map((entry) => entry.requestId)).toEqual([ids[5]]);
      expect((await history(headers, '?limit=100')).total).toBe(6);
    });

    it('refuse bad values with 400 in the envelope, saying which and why', async () => {
      const headers = tenant();
      await sandbox.inject(callOf(PUT, freshIds(), headers));
      expect(await refused(headers, '?status=abc')).toMatch(/Query parameter status must be an integer \(got "abc"\)/);
      expect(await refused(headers, '?status=1000')).toMatch(/Query parameter status must be <= 599/);
      expect(await refused(headers, '?code=7.5')).toMatch(/Query parameter code must be an integer/);
      expect(await refused(headers, '?limit=0')).toMatch(/Query parameter limit must be >= 1 \(got "0"\)/);
      expect(await refused(headers, '?limit=2&limit=3')).toMatch(/Query parameter limit must be given once/);
      expect(await refused(headers, '?since=garbage')).toMatch(/Query parameter since must match format "date-time" or format "uuid" \(got "garbage"\)/);
      expect(await refused(headers, '?since=2026-01-02')).toMatch(/Query parameter since must match format "date-time"/);
      expect(await refused(headers, '?method=P0ST')).toMatch(/Query parameter method must match pattern/);
      const journaled = (await theContract()).operations.filter(isJournaled).map((operation) => operation.operationId);
      expect(journaled).toEqual(expect.arrayContaining([POST, PUT]));
      expect(await refused(headers, '?operationId=deactivatePromotionforCustomer')).toMatch(
        ` Query parameter operationId must be one of the operations the history records: ${journaled.join(', ')} (got "deactivatePromotionforCustomer").`,
      );
      expect(await refused(headers, '?scenario=open-kart')).toMatch(/Query parameter scenario must name a scenario: .*open-cart.* \(got "open-kart"\)/);
      const elsewhere = (await sandbox.inject(callOf(PUT, freshIds(), tenant()))).headers['x-cap-requestid'];
      expect(await refused(headers, `?since=${String(elsewhere)}`)).toMatch(/since names request "[0-9a-f-]+", which this tenant's history does not hold/);
    });
  });
});
