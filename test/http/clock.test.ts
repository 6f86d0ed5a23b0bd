import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SandboxConfig } from '../../src/config.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf } from '../helpers/calls.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { PROMOTION_ID, type TestSandbox, bodyOf, useSandbox } from '../helpers/sandbox.js';

const OPEN_CART = { promotionId: PROMOTION_ID, customerId: '737000737', earnId: 'null' };
const EXPIRY_JOB = { promotionId: '000000000000000000000811' };

interface ClockData {
  time: string;
  mode: string;
  start: string;
  advancedSeconds: number;
}

/** The flows of time through the API, alike whichever store holds the tenants. */
function describeClockFlows(store: string, overrides: Partial<SandboxConfig>): void {
  describe(`the tenant's clock, through the API (${store})`, () => {
    const sandbox = useSandbox({ logLevel: 'silent', ...overrides });
    // Each test is a tenant of its own (a session of the docs' credential), so each has a fresh clock.
    const tenant = () => {
      const headers = { 'x-sandbox-session': `clock-${randomUUID()}` };
      const clock = async () => bodyOf(await sandbox.inject({ url: '/__sandbox/clock', headers })).data as ClockData;
      const move = (payload: object | string) =>
        sandbox.inject({ method: 'POST', url: '/__sandbox/clock', headers: { ...headers, 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
      const call = async (operationId: string, values: Record<string, string>) => codeOf(await sandbox.inject(callOf(operationId, values, headers)));
      return { headers, clock, move, call };
    };

    it('737 while the open cart\'s lock holds, 200 once the clock is 300 s on (one second before: still 737)', async () => {
      const { move, call } = tenant();
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(737);
      expect((await move({ advanceSeconds: 299 })).statusCode).toBe(200);
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(737);
      expect((await move({ advanceSeconds: 2 })).statusCode).toBe(200);
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(200);
    });

    it('811 while the expiry-date job runs, 200 once the clock is past its 900 s', async () => {
      const { move, call } = tenant();
      expect(await call('deactivatePromotionGlobally', EXPIRY_JOB)).toBe(811);
      await move({ advanceSeconds: 899 });
      expect(await call('deactivatePromotionGlobally', EXPIRY_JOB)).toBe(811);
      await move({ advanceSeconds: 2 });
      expect(await call('deactivatePromotionGlobally', EXPIRY_JOB)).toBe(200);
    });

    it('200 on the default promotion, 706 once the clock is past its validTill; promotion-expired stays 706', async () => {
      const { move, call } = tenant();
      expect(await call('deactivatePromotionForCustomer', { promotionId: PROMOTION_ID, customerId: '200000200', earnId: 'null' })).toBe(200);
      expect(await call('deactivatePromotionForCustomer', { promotionId: '000000000000000000000706', customerId: '1', earnId: 'null' })).toBe(706);
      const moved = await move({ time: '2100-01-01T00:00:00Z' });
      expect(bodyOf(moved).data).toMatchObject({ time: '2100-01-01T00:00:00.000Z', mode: 'frozen' });
      expect(await call('deactivatePromotionForCustomer', { promotionId: PROMOTION_ID, customerId: '200000201', earnId: 'null' })).toBe(706);
      // The customer already out of it is still 404 first.
      expect(await call('deactivatePromotionForCustomer', { promotionId: PROMOTION_ID, customerId: '200000200', earnId: 'null' })).toBe(404);
    });

    it('starts at the tenant\'s first call that writes (a read shows a fresh clock and starts none), stays put while frozen, and a reset takes it back to its start (737 again)', async () => {
      const { headers, clock, move, call } = tenant();
      const read = await clock();
      expect(read).toEqual({ time: read.start, mode: 'frozen', start: read.start, advancedSeconds: 0 });
      expect(Math.abs(Date.parse(read.start) - Date.now())).toBeLessThan(60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Date.parse((await clock()).start)).toBeGreaterThan(Date.parse(read.start));
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(737);
      const first = await clock();
      expect(first).toEqual({ time: first.start, mode: 'frozen', start: first.start, advancedSeconds: 0 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await clock()).toEqual(first);
      await move({ advanceSeconds: 301 });
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(200);
      expect((await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers })).statusCode).toBe(200);
      expect(await clock()).toEqual(first);
      expect(await call('deactivatePromotionForCustomer', OPEN_CART)).toBe(737);
    });

    it('shows the clock in the state, the cart with its lock\'s end while it holds and the job with its end while it runs', async () => {
      const { headers, move } = tenant();
      const state = async () =>
        bodyOf(await sandbox.inject({ url: '/__sandbox/state', headers })).data as {
          clock: ClockData;
          customers: { id: string; pendingCart?: { lockedUntil: string } }[];
          promotions: { id: string; expiryJobUntil?: string }[];
        };
      // Made by a call that writes: a read makes no tenant, and shows a clock starting at the read.
      await move({ advanceSeconds: 0 });
      const before = await state();
      const start = Date.parse(before.clock.start);
      expect(before.clock).toMatchObject({ mode: 'frozen', advancedSeconds: 0 });
      expect(before.customers.find((customer) => customer.id === OPEN_CART.customerId)?.pendingCart?.lockedUntil).toBe(new Date(start + 300_000).toISOString());
      expect(before.promotions.find((promotion) => promotion.id === EXPIRY_JOB.promotionId)?.expiryJobUntil).toBe(new Date(start + 900_000).toISOString());
      await move({ advanceSeconds: 900 });
      const after = await state();
      expect(after.clock).toMatchObject({ time: new Date(start + 900_000).toISOString(), advancedSeconds: 900 });
      expect(after.customers.find((customer) => customer.id === OPEN_CART.customerId)?.pendingCart).toBeUndefined();
      expect(after.promotions.find((promotion) => promotion.id === EXPIRY_JOB.promotionId)?.expiryJobUntil).toBeUndefined();
    });

    it('records the tenant\'s time beside the wall time in the request history', async () => {
      const { headers, move, call } = tenant();
      await call('deactivatePromotionForCustomer', OPEN_CART);
      await move({ advanceSeconds: 3600 });
      await call('deactivatePromotionForCustomer', OPEN_CART);
      // The journal is written without waiting for it: give it a moment on a store over a connection.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { requests } = bodyOf(await sandbox.inject({ url: '/__sandbox/requests', headers })).data as { requests: { time: string; tenantTime: string; code: number | null }[] };
      const [later, earlier] = requests;
      expect(Date.parse(later?.tenantTime ?? '') - Date.parse(earlier?.tenantTime ?? '')).toBe(3_600_000);
      expect(Math.abs(Date.parse(later?.time ?? '') - Date.now())).toBeLessThan(60_000);
      expect([earlier?.code, later?.code]).toEqual([737, null]);
    });

    it.each([
      ['a negative advance', { advanceSeconds: -1 }, /advanceSeconds must be >= 0/],
      ['an advance that is not a number', { advanceSeconds: '301' }, /advanceSeconds must be a number/],
      ['an advance of more than ten years', { advanceSeconds: 315_360_001 }, /advanceSeconds must be <= 315360000/],
      ['a time before the tenant\'s time', { time: '2020-01-01T00:00:00Z' }, /Body \/time 2020-01-01T00:00:00Z is before the tenant's time .*: the clock never moves back/],
      ['a time without its offset', { time: '2100-01-01T00:00:00' }, /time must match format "date-time"/],
      ['a date, not a date-time', { time: '2100-01-01' }, /time must match format "date-time"/],
      ['both an advance and a time', { advanceSeconds: 1, time: '2100-01-01T00:00:00Z' }, /must NOT have more than 1 properties/],
      ['neither', {}, /must NOT have fewer than 1 properties/],
      ['another field', { days: 1 }, /must NOT have additional properties/],
      ['a body that is not JSON', '{"advanceSeconds": 30', /not valid JSON/],
      ['a JSON array', [301], /Body must be an object/],
    ])('refuses %s with 400 in the envelope, the clock unchanged', async (_name, payload, message) => {
      const { clock, move } = tenant();
      await move({ advanceSeconds: 60 });
      const before = await clock();
      const answer = await move(payload);
      expect(answer.statusCode).toBe(400);
      const body = bodyOf(answer);
      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]?.code).toBe(400);
      expect(body.errors[0]?.message).toMatch(message);
      expect(await clock()).toEqual(before);
    });

    it('a move to the tenant\'s own time is no move; a time has no ten-year cap', async () => {
      const { clock, move } = tenant();
      await move({ advanceSeconds: 0 });
      const { time } = await clock();
      expect(bodyOf(await move({ time })).data).toMatchObject({ time, advancedSeconds: 0 });
      expect(bodyOf(await move({ time: '9999-12-31T23:59:59Z' })).data).toMatchObject({ time: '9999-12-31T23:59:59.000Z' });
      const refused = await move({ advanceSeconds: 1 });
      expect(refused.statusCode).toBe(400);
      expect(bodyOf(refused).errors[0]?.message).toMatch(/Body \/advanceSeconds would take the clock \(at 9999-12-31T23:59:59.000Z\) past 9999-12-31T23:59:59.999Z/);
    });
  });
}

describeClockFlows('memory', {});
describeWith(REDIS_URL_SET, 'the clock on Redis', () => {
  describeClockFlows('Redis', { redis: REDIS_URL });
});

describe('the tenant\'s clock with --clock real', () => {
  const sandbox: TestSandbox = useSandbox({ logLevel: 'silent', clock: 'real' });
  it('follows the wall clock, an advance adding to it; a reset takes the advance back to 0', async () => {
    const headers = { 'x-sandbox-session': 'real-clock' };
    const clock = async () => bodyOf(await sandbox.inject({ url: '/__sandbox/clock', headers })).data as ClockData;
    const first = await clock();
    expect(first.mode).toBe('real');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = await clock();
    expect(Date.parse(later.time) - Date.parse(first.time)).toBeGreaterThanOrEqual(25);
    const moved = bodyOf(await sandbox.inject({ method: 'POST', url: '/__sandbox/clock', headers, payload: { advanceSeconds: 301 } })).data as ClockData;
    expect(Date.parse(moved.time) - Date.parse(later.time)).toBeGreaterThanOrEqual(301_000);
    expect(codeOf(await sandbox.inject(callOf('deactivatePromotionForCustomer', OPEN_CART, headers)))).toBe(200);
    await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    expect((await clock()).advancedSeconds).toBe(0);
  });
});
