import { describe, expect, it } from 'vitest';
import { deactivateForCustomer } from '../../src/rules/deactivate-for-customer.js';
import type { Customer, Earn, Promotion, WorldSetup } from '../../src/world/model.js';
import { SeedWorld } from '../../src/world/seed-world.js';
import { NO_CHANGES, withChange } from '../../src/world/tenant-changes.js';

const P = 'a0000000000000000000000a';
const EARN = 'e0000000000000000000000e';
const CUSTOMER = '42';

const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  id: P,
  type: 'CUSTOMER',
  mode: 'DISCOUNT',
  status: 'ACTIVE',
  expiryJobRunning: false,
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
  return new SeedWorld({ promotions: [], customers: [], earns: [], absentPromotions: [], ...setup }, unknown).viewWith(NO_CHANGES);
}

const refusal = (decision: ReturnType<typeof deactivateForCustomer>) => (decision.accepted ? 'accepted' : decision.refusal);

describe('deactivating a promotion for one customer', () => {
  it('accepts an active promotion the customer takes part in, and deactivates the participation', () => {
    expect(deactivateForCustomer(world({ promotions: [promotion()] }), { promotionId: P, customerId: CUSTOMER })).toEqual({
      accepted: true,
      change: { kind: 'deactivate-participation', customerId: CUSTOMER, promotionId: P },
    });
  });

  it('treats a well-formed unknown id as an active promotion, or as 404 when told to', () => {
    expect(refusal(deactivateForCustomer(world({}), { promotionId: P, customerId: CUSTOMER }))).toBe('accepted');
    expect(refusal(deactivateForCustomer(world({}, 'not-found'), { promotionId: P, customerId: CUSTOMER }))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
    expect(refusal(deactivateForCustomer(world({ absentPromotions: [P] }), { promotionId: P, customerId: CUSTOMER }))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
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
    ['a customer with a pending cart', { promotions: [promotion()], customers: [customer({ pendingCart: { evaluationId: 'x' } })] }, {}, 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART'],
  ] as const)('refuses %s', (_name, setup, extra, expected) => {
    expect(refusal(deactivateForCustomer(world(setup as Partial<WorldSetup>), { promotionId: P, customerId: CUSTOMER, ...extra }))).toBe(expected);
  });

  it('revokes one earn of a PAYMENT_VOUCHER promotion', () => {
    const decision = deactivateForCustomer(world({ promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], earns: [earn()] }), { promotionId: P, customerId: CUSTOMER, earnId: EARN });
    expect(decision).toEqual({ accepted: true, change: { kind: 'deactivate-earn', earnId: EARN } });
  });

  describe('precedence: the first rule that applies decides', () => {
    const everythingWrong = {
      promotions: [promotion({ status: 'EXPIRED', type: 'POS', mode: 'PAYMENT_VOUCHER' })],
      customers: [customer({ pendingCart: { evaluationId: 'x' } })],
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
        expect(refusal(deactivateForCustomer(world(setup), { promotionId: P, customerId: CUSTOMER, earnId: EARN }))).toBe(expected);
        fix(setup);
      }
    });

    it('404 comes before everything, 736 before 731, 731 before 737', () => {
      const inactive = { ...everythingWrong, promotions: [promotion({ status: 'INACTIVE', type: 'POS' })] };
      expect(refusal(deactivateForCustomer(world(inactive), { promotionId: P, customerId: CUSTOMER }))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
      const voucher = { promotions: [promotion({ mode: 'PAYMENT_VOUCHER' })], customers: [customer({ pendingCart: { evaluationId: 'x' } })] };
      expect(refusal(deactivateForCustomer(world(voucher), { promotionId: P, customerId: CUSTOMER }))).toBe('PROMO.UNSUPPORTED_PREFERENCE_CHANGE');
      expect(refusal(deactivateForCustomer(world(voucher), { promotionId: P, customerId: CUSTOMER, earnId: EARN }))).toBe('PROMO.EARN_ID_INVALID');
    });
  });

  it('sees its own changes: deactivated once, the same call is 404', () => {
    const seed = new SeedWorld({ promotions: [promotion()], customers: [], earns: [], absentPromotions: [] }, 'active');
    const first = deactivateForCustomer(seed.viewWith(NO_CHANGES), { promotionId: P, customerId: CUSTOMER });
    if (!first.accepted) throw new Error('expected a success');
    const changed = withChange(NO_CHANGES, first.change);
    expect(refusal(deactivateForCustomer(seed.viewWith(changed), { promotionId: P, customerId: CUSTOMER }))).toBe('GLOBAL.PROMOTION_NOT_FOUND');
    expect(refusal(deactivateForCustomer(seed.viewWith(changed), { promotionId: P, customerId: '43' }))).toBe('accepted');
    expect(NO_CHANGES.inactiveParticipations.size).toBe(0);
  });
});
