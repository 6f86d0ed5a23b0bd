import { describe, expect, it } from 'vitest';
import { deactivateForCustomer } from '../../src/rules/deactivate-for-customer.js';
import { deactivateGlobally } from '../../src/rules/deactivate-globally.js';
import type { Promotion } from '../../src/world/model.js';
import { SeedWorld } from '../../src/world/seed-world.js';
import { NO_CHANGES, withChange } from '../../src/world/tenant-changes.js';

const P = 'a0000000000000000000000a';
const seedWith = (promotions: Promotion[], absentPromotions: string[] = [], unknown: 'active' | 'not-found' = 'active') =>
  new SeedWorld({ promotions, customers: [], earns: [], absentPromotions }, unknown);
const active: Promotion = { id: P, type: 'CUSTOMER', mode: 'DISCOUNT', status: 'ACTIVE', expiryJobRunning: false };

describe('deactivating a promotion for the whole organisation', () => {
  it('makes the promotion INACTIVE; every customer then gets 404 and the global call stays 200', () => {
    const seed = seedWith([active]);
    const decision = deactivateGlobally(seed.viewWith(NO_CHANGES), { promotionId: P });
    expect(decision).toEqual({ accepted: true, change: { kind: 'deactivate-promotion', promotionId: P } });
    if (!decision.accepted) return;
    const after = seed.viewWith(withChange(NO_CHANGES, decision.change));
    expect(after.promotion(P)?.status).toBe('INACTIVE');
    expect(deactivateForCustomer(after, { promotionId: P, customerId: '1' })).toEqual({ accepted: false, refusal: 'GLOBAL.PROMOTION_NOT_FOUND' });
    expect(deactivateGlobally(after, { promotionId: P }).accepted).toBe(true);
  });

  it('answers 404 for a promotion the organisation does not have', () => {
    expect(deactivateGlobally(seedWith([], [P]).viewWith(NO_CHANGES), { promotionId: P })).toEqual({ accepted: false, refusal: 'GLOBAL.PROMOTION_NOT_FOUND' });
    expect(deactivateGlobally(seedWith([], [], 'not-found').viewWith(NO_CHANGES), { promotionId: P }).accepted).toBe(false);
  });

  it('answers 811 while an expiry-date update job runs, also on an already INACTIVE promotion', () => {
    const running = { ...active, expiryJobRunning: true };
    expect(deactivateGlobally(seedWith([running]).viewWith(NO_CHANGES), { promotionId: P })).toEqual({ accepted: false, refusal: 'PROMO.UPDATE_EXPIRY_DATE_NOT_ALLOWED' });
    expect(deactivateGlobally(seedWith([{ ...running, status: 'INACTIVE' }]).viewWith(NO_CHANGES), { promotionId: P }).accepted).toBe(false);
  });

  it('deactivates an unknown well-formed id as any other promotion', () => {
    const seed = seedWith([]);
    const decision = deactivateGlobally(seed.viewWith(NO_CHANGES), { promotionId: P });
    expect(decision.accepted).toBe(true);
  });
});
