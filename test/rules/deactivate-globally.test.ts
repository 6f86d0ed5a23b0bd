import { describe, expect, it } from 'vitest';
import { deactivateForCustomer } from '../../src/rules/deactivate-for-customer.js';
import { deactivateGlobally } from '../../src/rules/deactivate-globally.js';
import type { Promotion } from '../../src/world/model.js';
import { SeedWorld } from '../../src/world/seed-world.js';
import { NO_CHANGES, withChange } from '../../src/world/tenant-changes.js';

const P = 'a0000000000000000000000a';
/** The tenant's clock start, and its time in the tests that do not move it. */
const START = Date.UTC(2026, 11, 1, 10, 0, 0);
const SECOND = 1000;
const seedWith = (promotions: Promotion[], absentPromotions: string[] = [], unknown: 'active' | 'not-found' = 'active') =>
  new SeedWorld({ promotions, customers: [], earns: [], absentPromotions }, unknown);
const active: Promotion = { id: P, type: 'CUSTOMER', mode: 'DISCOUNT', status: 'ACTIVE' };

describe('deactivating a promotion for the whole organisation', () => {
  it('makes the promotion INACTIVE; every customer then gets 404 and the global call stays 200', () => {
    const seed = seedWith([active]);
    const decision = deactivateGlobally(seed.viewWith(NO_CHANGES, START), { promotionId: P }, START);
    expect(decision).toEqual({ accepted: true, change: { kind: 'deactivate-promotion', promotionId: P } });
    if (!decision.accepted || !decision.change) throw new Error('expected a success that changes the world');
    const after = seed.viewWith(withChange(NO_CHANGES, decision.change), START);
    expect(after.promotion(P)?.status).toBe('INACTIVE');
    expect(deactivateForCustomer(after, { promotionId: P, customerId: '1' }, START)).toEqual({ accepted: false, refusal: 'GLOBAL.PROMOTION_NOT_FOUND' });
    expect(deactivateGlobally(after, { promotionId: P }, START).accepted).toBe(true);
  });

  it('answers 404 for a promotion the organisation does not have', () => {
    expect(deactivateGlobally(seedWith([], [P]).viewWith(NO_CHANGES, START), { promotionId: P }, START)).toEqual({ accepted: false, refusal: 'GLOBAL.PROMOTION_NOT_FOUND' });
    expect(deactivateGlobally(seedWith([], [], 'not-found').viewWith(NO_CHANGES, START), { promotionId: P }, START).accepted).toBe(false);
  });

  it('answers 811 while an expiry-date update job runs, also on an already INACTIVE promotion', () => {
    const running: Promotion = { ...active, expiryJob: { seconds: 900 } };
    expect(deactivateGlobally(seedWith([running]).viewWith(NO_CHANGES, START), { promotionId: P }, START)).toEqual({ accepted: false, refusal: 'PROMO.UPDATE_EXPIRY_DATE_NOT_ALLOWED' });
    expect(deactivateGlobally(seedWith([{ ...running, status: 'INACTIVE' }]).viewWith(NO_CHANGES, START), { promotionId: P }, START).accepted).toBe(false);
  });

  it('deactivates an unknown well-formed id as any other promotion', () => {
    const seed = seedWith([]);
    const decision = deactivateGlobally(seed.viewWith(NO_CHANGES, START), { promotionId: P }, START);
    expect(decision.accepted).toBe(true);
  });

  describe('at the tenant\'s time: table tests at the edges', () => {
    const JOB = 'PROMO.UPDATE_EXPIRY_DATE_NOT_ALLOWED';
    const at = (promotion: Promotion, now: number, start = START) => {
      const decision = deactivateGlobally(seedWith([promotion]).viewWith(NO_CHANGES, start), { promotionId: P }, now);
      return decision.accepted ? 'accepted' : decision.refusal;
    };
    it.each([
      ['a 900 s job, at the start', { seconds: 900 }, START, JOB],
      ['a 900 s job, one second before its end', { seconds: 900 }, START + 899 * SECOND, JOB],
      ['a 900 s job, at its end', { seconds: 900 }, START + 900 * SECOND, 'accepted'],
      ['a 900 s job, one second after its end', { seconds: 900 }, START + 901 * SECOND, 'accepted'],
      ['a job until a time, one second before it', { until: START + 60 * SECOND }, START + 59 * SECOND, JOB],
      ['a job until a time, one second after it', { until: START + 60 * SECOND }, START + 61 * SECOND, 'accepted'],
      ['a job until reset, ten years on', { untilReset: true }, START + 315_360_000 * SECOND, JOB],
    ] as const)('%s', (_name, expiryJob, now, expected) => {
      expect(at({ ...active, expiryJob }, now)).toBe(expected);
    });

    it('runs a job\'s length from the tenant\'s own clock start', () => {
      const later = START + 7200 * SECOND;
      expect(at({ ...active, expiryJob: { seconds: 900 } }, later + 899 * SECOND, later)).toBe(JOB);
      expect(at({ ...active, expiryJob: { seconds: 900 } }, later + 900 * SECOND, later)).toBe('accepted');
    });

    it('deactivates a promotion past its validTill, as one whose status is EXPIRED (the page lists no 706)', () => {
      expect(at({ ...active, validTill: '2026-11-30' }, START)).toBe('accepted');
      expect(at({ ...active, status: 'EXPIRED' }, START)).toBe('accepted');
    });
  });
});
