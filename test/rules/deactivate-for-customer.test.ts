import { describe, expect, it } from 'vitest';
import { deactivateForCustomer } from '../../src/rules/deactivate-for-customer.js';
import type { Customer, Earn, Lasting, Promotion, WorldSetup } from '../../src/world/model.js';
import { SeedWorld } from '../../src/world/seed-world.js';
import { NO_CHANGES, withChange } from '../../src/world/tenant-changes.js';

const P = 'a0000000000000000000000a';
const EARN = 'e0000000000000000000000e';
const CUSTOMER = '42';
/** The tenant's clock start, and its time in the tests that do not move it. */
const START = Date.UTC(2026, 11, 1, 10, 0, 0);
const SECOND = 1000;

const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  id: P,
  type: 'CUSTOMER',
  mode: 'DISCOUNT',
  status: 'ACTIVE',
  ...overrides,
});
const earn = (overrides: Partial<Earn> = {}): Earn => ({
  id: EARN,
  customerId: CUSTOMER,
  promotionId: P,
  earnedFromType: 'ACTIVITY',
  status: 'ACTIVE',
  earnedFromTypeLocked: false,
  ...overrides,
});
const customer = (overrides: Partial<Customer> = {}): Customer => ({ id: CUSTOMER, inactivePromotions: [], ...overrides });

function world(setup: Partial<WorldSetup>, unknown: 'active' | 'not-found' = 'active') {
  return new SeedWorld({ promotions: [], customers: [], earns: [], absentPromotions: [], ...setup }, unknown).viewWith(NO_CHANGES, START);
}

const refusal = (decision: ReturnType<typeof deactivateForCustomer>) => (decision.accepted ? 'accepted' : decision.refusal);

describe('deactivating a promotion for one customer', () => {
  it('accepts an active promotion the customer takes part in, and deactivates the participation', () => {
    expect(deactivateForCustomer(world({ promotions: [promotion()] }), { promotionId: P, customerId: CUSTOMER }, START)).toEqual({
      accepted: true,
      change: { kind: 'deactivate-participation', customerId: CUSTOMER, promotionId: P },
    });
  });

  it('treats a well-formed unknown id as an active promotion, or as 404 when told to', () => {
    expect(refusal(deactivateForCustomer(world({}), { promotionId: P, customerId: CUSTOMER }, START))).toBe('accepted');
    expect(refusal(deactivateForCustomer(world({}, 'not-found'), { promotionId: P, customerId: CUSTOMER }, START))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
    expect(refusal(deactivateForCustomer(world({ absentPromotions: [P] }), { promotionId: P, customerId: CUSTOMER }, START))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
  });

  it.each([
    ['an INACTIVE promotion', { promotions: [promotion({ status: 'INACTIVE' })] }, {}, 'GLOBAL.PROMOTION_NOT_FOUND'],
    ['a customer who no longer takes part', { promotions: [promotion()], customers: [customer({ inactivePromotions: [P] })] }, {}, 'GLOBAL.PROMOTION_NOT_FOUND'],
    ['an earn already revoked', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn({ status: 'INACTIVE' })] }, { earnId: EARN }, 'GLOBAL.PROMOTION_NOT_FOUND'],
    ['an EXPIRED promotion', { promotions: [promotion({ status: 'EXPIRED' })] }, {}, 'PROMO.PROMOTION_EXPIRED'],
    ['a POS promotion', { promotions: [promotion({ type: 'POS' })] }, {}, 'PROMO.UNSUPPORTED_PROMOTION_TYPE'],
    ['a CODE promotion', { promotions: [promotion({ type: 'CODE' })] }, {}, 'PROMO.UNSUPPORTED_PROMOTION_TYPE'],
    ['an earnId for a DISCOUNT promotion', { promotions: [promotion()] }, { earnId: EARN }, 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE'],
    ['no earnId for a PAYMENT_VOUCHER promotion', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })] }, {}, 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE'],
    ['an earnId the world does not know', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })] }, { earnId: EARN }, 'PROMO.EARN_ID_INVALID'],
    ['an earn of another customer', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn({ customerId: '43' })] }, { earnId: EARN }, 'PROMO.EARN_ID_INVALID'],
    ['an earn of another promotion', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn({ promotionId: 'b0000000000000000000000b' })] }, { earnId: EARN }, 'PROMO.EARN_ID_INVALID'],
    ['an earn whose earnedFromType is locked', { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn({ earnedFromTypeLocked: true })] }, { earnId: EARN }, 'PROMO.EARNED_FROM_TYPE_CHANGE_NOT_ALLOWED'],
    ['a customer with a pending cart', { promotions: [promotion()], customers: [customer({ pendingCart: { evaluationId: 'x', lock: { seconds: 300 } } })] }, {}, 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART'],
  ] as const)('refuses %s', (_name, setup, extra, expected) => {
    expect(refusal(deactivateForCustomer(world(setup as Partial<WorldSetup>), { promotionId: P, customerId: CUSTOMER, ...extra }, START))).toBe(expected);
  });

  it('revokes one earn of a PAYMENT_VOUCHER promotion', () => {
    const decision = deactivateForCustomer(world({ promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn()] }), { promotionId: P, customerId: CUSTOMER, earnId: EARN }, START);
    expect(decision).toEqual({ accepted: true, change: { kind: 'deactivate-earn', earnId: EARN } });
  });

  describe('precedence: the first rule that applies decides', () => {
    const everythingWrong = {
      promotions: [promotion({ status: 'EXPIRED', type: 'POS', mode: 'PAYMENT_VOUCHER' })],
      customers: [customer({ pendingCart: { evaluationId: 'x', lock: { seconds: 300 } } })],
      earns: [earn({ earnedFromTypeLocked: true })],
    };
    const steps: [string, (setup: typeof everythingWrong) => void][] = [
      ['PROMO.PROMOTION_EXPIRED', (setup) => void (setup.promotions = [{ ...setup.promotions[0]!, status: 'ACTIVE' }])],
      ['PROMO.UNSUPPORTED_PROMOTION_TYPE', (setup) => void (setup.promotions = [{ ...setup.promotions[0]!, type: 'REWARD' }])],
      ['PROMO.EARNED_FROM_TYPE_CHANGE_NOT_ALLOWED', (setup) => void (setup.earns = [{ ...setup.earns[0]!, earnedFromTypeLocked: false }])],
      ['PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART', (setup) => void (setup.customers = [customer()])],
      ['accepted', () => undefined],
    ];
    it('706 > 707 > 713 > 737 > success, removing one cause at a time', () => {
      const setup = structuredClone(everythingWrong);
      for (const [expected, fix] of steps) {
        expect(refusal(deactivateForCustomer(world(setup), { promotionId: P, customerId: CUSTOMER, earnId: EARN }, START))).toBe(expected);
        fix(setup);
      }
    });

    it('404 comes before everything, 736 before 731, 731 before 737', () => {
      const inactive = { ...everythingWrong, promotions: [promotion({ status: 'INACTIVE', type: 'POS' })] };
      expect(refusal(deactivateForCustomer(world(inactive), { promotionId: P, customerId: CUSTOMER }, START))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
      const voucher = { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], customers: [customer({ pendingCart: { evaluationId: 'x', lock: { seconds: 300 } } })] };
      expect(refusal(deactivateForCustomer(world(voucher), { promotionId: P, customerId: CUSTOMER }, START))).toBe('PROMO.UNSUPPORTED_PREFERENCE_CHANGE');
      expect(refusal(deactivateForCustomer(world(voucher), { promotionId: P, customerId: CUSTOMER, earnId: EARN }, START))).toBe('PROMO.EARN_ID_INVALID');
    });
  });

  it('sees its own changes: deactivated once, the same call is 404', () => {
    const seed = new SeedWorld({ promotions: [promotion()], customers: [], earns: [], absentPromotions: [] }, 'active');
    const first = deactivateForCustomer(seed.viewWith(NO_CHANGES, START), { promotionId: P, customerId: CUSTOMER }, START);
    if (!first.accepted || !first.change) throw new Error('expected a success that changes the world');
    const changed = withChange(NO_CHANGES, first.change);
    expect(refusal(deactivateForCustomer(seed.viewWith(changed, START), { promotionId: P, customerId: CUSTOMER }, START))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
    expect(refusal(deactivateForCustomer(seed.viewWith(changed, START), { promotionId: P, customerId: '43' }, START))).toBe('accepted');
    expect(NO_CHANGES.inactiveParticipations.size).toBe(0);
  });

  describe('at the tenant\'s time: table tests at the edges', () => {
    const at = (setup: Partial<WorldSetup>, now: number, start = START) =>
      refusal(deactivateForCustomer(new SeedWorld({ promotions: [], customers: [], earns: [], absentPromotions: [], ...setup }, 'active').viewWith(NO_CHANGES, start), { promotionId: P, customerId: CUSTOMER }, now));
    const cart = (lock: Lasting) => ({
      promotions: [promotion()],
      customers: [customer({ pendingCart: { evaluationId: 'x', lock } })],
    });
    const LOCKED = 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART';
    const EXPIRED = 'PROMO.PROMOTION_EXPIRED';

    it.each([
      ['a 300 s lock, at the start', cart({ seconds: 300 }), START, LOCKED],
      ['a 300 s lock, one second before its end', cart({ seconds: 300 }), START + 299 * SECOND, LOCKED],
      ['a 300 s lock, a millisecond before its end', cart({ seconds: 300 }), START + 300 * SECOND - 1, LOCKED],
      ['a 300 s lock, at its end (released)', cart({ seconds: 300 }), START + 300 * SECOND, 'accepted'],
      ['a 300 s lock, one second after its end', cart({ seconds: 300 }), START + 301 * SECOND, 'accepted'],
      ['a lock until a time, one second before it', cart({ until: START + 60 * SECOND }), START + 59 * SECOND, LOCKED],
      ['a lock until a time, at it', cart({ until: START + 60 * SECOND }), START + 60 * SECOND, 'accepted'],
      ['a lock until a time already past at the start', cart({ until: START - SECOND }), START, 'accepted'],
      ['a lock until reset, ten years on', cart({ untilReset: true }), START + 315_360_000 * SECOND, LOCKED],
      ['validTill a date, its last second', { promotions: [promotion({ validTill: '2027-12-31' })] }, Date.UTC(2027, 11, 31, 23, 59, 59), 'accepted'],
      ['validTill a date, its last millisecond', { promotions: [promotion({ validTill: '2027-12-31' })] }, Date.UTC(2028, 0, 1) - 1, 'accepted'],
      ['validTill a date, the next day at 00:00:00Z', { promotions: [promotion({ validTill: '2027-12-31' })] }, Date.UTC(2028, 0, 1), EXPIRED],
      ['validTill a date, one second into the next day', { promotions: [promotion({ validTill: '2027-12-31' })] }, Date.UTC(2028, 0, 1, 0, 0, 1), EXPIRED],
      ['validTill a date-time, one second before it', { promotions: [promotion({ validTill: '2027-06-30T12:00:00+02:00' })] }, Date.UTC(2027, 5, 30, 9, 59, 59), 'accepted'],
      ['validTill a date-time, at it (its last moment)', { promotions: [promotion({ validTill: '2027-06-30T12:00:00+02:00' })] }, Date.UTC(2027, 5, 30, 10), 'accepted'],
      ['validTill a date-time, one second after it', { promotions: [promotion({ validTill: '2027-06-30T12:00:00+02:00' })] }, Date.UTC(2027, 5, 30, 10, 0, 1), EXPIRED],
      ['before validFrom (treated as started)', { promotions: [promotion({ validFrom: '2030-01-01', validTill: '2030-12-31' })] }, START, 'accepted'],
      ['status EXPIRED whatever its dates', { promotions: [promotion({ status: 'EXPIRED', validTill: '2099-12-31' })] }, START, EXPIRED],
    ] as const)('%s', (_name, setup, now, expected) => {
      expect(at(setup as Partial<WorldSetup>, now)).toBe(expected);
    });

    it('runs a lock\'s length from the tenant\'s own clock start', () => {
      const later = START + 3600 * SECOND;
      expect(at(cart({ seconds: 300 }), later + 299 * SECOND, later)).toBe(LOCKED);
      expect(at(cart({ seconds: 300 }), later + 300 * SECOND, later)).toBe('accepted');
    });

    it('answers 404 before 706, and 706 past validTill before a held lock', () => {
      const both = { promotions: [promotion({ validTill: '2026-12-01' })], customers: [customer({ pendingCart: { evaluationId: 'x', lock: { untilReset: true } } })] };
      expect(at(both, Date.UTC(2026, 11, 2))).toBe(EXPIRED);
      expect(at({ ...both, customers: [customer({ inactivePromotions: [P] })] }, Date.UTC(2026, 11, 2))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
    });
  });
});
