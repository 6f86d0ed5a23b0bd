import { describe, expect, it } from 'vitest';
import { deactivateGlobally } from '../../src/rules/deactivate-globally.js';
import { OPERATION_RULES } from '../../src/rules/operation-rules.js';
import { readPromotion } from '../../src/rules/read-promotion.js';
import type { Promotion } from '../../src/world/model.js';
import { SeedWorld } from '../../src/world/seed-world.js';
import { NO_CHANGES, withChange } from '../../src/world/tenant-changes.js';

const P = 'a0000000000000000000000a';
const START = Date.UTC(2026, 11, 1, 10, 0, 0);
const DAY = 86_400_000;
const seedWith = (promotions: Promotion[], absentPromotions: string[] = []) => new SeedWorld({ promotions, customers: [], earns: [], absentPromotions }, 'active');
const active: Promotion = { id: P, type: 'CUSTOMER', mode: 'DISCOUNT', status: 'ACTIVE' };

describe('reading a promotion (a rule that answers data and changes nothing)', () => {
  it('answers the status the world holds, INACTIVE after a global deactivation, with no change', () => {
    const seed = seedWith([active]);
    expect(readPromotion(seed.viewWith(NO_CHANGES, START), { promotionId: P }, START)).toEqual({ accepted: true, data: { id: P, status: 'ACTIVE' } });
    const deactivation = deactivateGlobally(seed.viewWith(NO_CHANGES, START), { promotionId: P }, START);
    if (!deactivation.accepted || !deactivation.change) throw new Error('expected a deactivation');
    const after = seed.viewWith(withChange(NO_CHANGES, deactivation.change), START);
    expect(readPromotion(after, { promotionId: P }, START)).toEqual({ accepted: true, data: { id: P, status: 'INACTIVE' } });
  });

  it('answers EXPIRED from the day after validTill on, at the tenant\'s time', () => {
    const seed = seedWith([{ ...active, validTill: '2026-12-01' }]);
    const at = (now: number) => readPromotion(seed.viewWith(NO_CHANGES, START), { promotionId: P }, now);
    expect(at(START)).toMatchObject({ data: { status: 'ACTIVE' } });
    expect(at(Date.UTC(2026, 11, 1) + DAY)).toMatchObject({ data: { status: 'EXPIRED' } });
  });

  it('refuses a promotion the organisation does not have with 404', () => {
    expect(readPromotion(seedWith([], [P]).viewWith(NO_CHANGES, START), { promotionId: P }, START)).toEqual({ accepted: false, refusal: 'GLOBAL.PROMOTION_NOT_FOUND' });
  });

  it('is registered in the rules table, reading only the promotion it names', () => {
    const rule = OPERATION_RULES.getPromotion;
    expect(rule?.reads({ promotionId: P })).toEqual({ promotions: [P], participations: [], earns: [] });
    expect(rule?.decide(seedWith([active]).viewWith(NO_CHANGES, START), { promotionId: P }, START)).toEqual({ accepted: true, data: { id: P, status: 'ACTIVE' } });
  });
});
