import { holdsAt, type WorldView } from '../world/model.js';
import { type Decision, accept, refuse } from '../world/decision.js';

export interface PerCustomerCall {
  readonly promotionId: string;
  readonly customerId: string;
  /** Absent when the call has no earnId or sends the literal `null`. */
  readonly earnId?: string;
}

/** Every refusal this rule can make, for the start-up check against the contract. */
export const PER_CUSTOMER_REFUSALS = [
  'GLOBAL.PROMOTION_NOT_FOUND',
  'PROMO.PROMOTION_EXPIRED',
  'PROMO.UNSUPPORTED_PROMOTION_TYPE',
  'PROMO.UNSUPPORTED_PREFERENCE_CHANGE',
  'PROMO.EARN_ID_INVALID',
  'PROMO.EARNED_FROM_TYPE_CHANGE_NOT_ALLOWED',
  'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART',
] as const;

/**
 * Deactivate one customer's participation, or revoke one earn. The precedence, first match wins
 * (contract validation, 400, has already passed; a forced 500 comes from scenarios only):
 *
 *   404  the promotion is unknown or INACTIVE; or the customer no longer takes part in it;
 *        or the earn named was already deactivated
 *   706  the promotion is EXPIRED, or the tenant's time is past its validTill
 *   707  the promotion is POS or CODE (no per-customer preference to change)
 *   736  an earnId for a DISCOUNT promotion, or none for a PAYMENT_VOUCHER one
 *   731  no earn with that id for this customer and promotion
 *   713  the earn's earnedFromType does not allow a status change
 *   737  the customer has a pending cart whose lock still holds at the tenant's time
 *   200  deactivate the participation, or the earn
 *
 * `now` is the tenant's time (ms): the rule has no clock of its own.
 */
export function deactivateForCustomer(world: WorldView, call: PerCustomerCall, now: number): Decision {
  const promotion = world.promotion(call.promotionId);
  const earn = call.earnId === undefined ? undefined : world.earn(call.earnId);
  const earnMatches = earn !== undefined && earn.customerId === call.customerId && earn.promotionId === call.promotionId;

  if (!promotion || promotion.status === 'INACTIVE') return refuse('GLOBAL.PROMOTION_NOT_FOUND');
  if (call.earnId === undefined && !world.takesPart(call.customerId, promotion.id)) return refuse('GLOBAL.PROMOTION_NOT_FOUND');
  if (earnMatches && earn.status === 'INACTIVE') return refuse('GLOBAL.PROMOTION_NOT_FOUND');
  if (promotion.status === 'EXPIRED' || (promotion.expiresAt !== undefined && now >= promotion.expiresAt)) return refuse('PROMO.PROMOTION_EXPIRED');
  if (promotion.type === 'POS' || promotion.type === 'CODE') return refuse('PROMO.UNSUPPORTED_PROMOTION_TYPE');
  const wantsEarn = promotion.mode === 'PAYMENT_VOUCHER';
  if (wantsEarn !== (call.earnId !== undefined)) return refuse('PROMO.UNSUPPORTED_PREFERENCE_CHANGE');
  if (call.earnId !== undefined && !earnMatches) return refuse('PROMO.EARN_ID_INVALID');
  if (earnMatches && earn.earnedFromTypeLocked) return refuse('PROMO.EARNED_FROM_TYPE_CHANGE_NOT_ALLOWED');
  if (holdsAt(world.customer(call.customerId)?.pendingCart?.lockedUntil, now)) return refuse('PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART');
  return call.earnId === undefined
    ? accept({ kind: 'deactivate-participation', customerId: call.customerId, promotionId: promotion.id })
    : accept({ kind: 'deactivate-earn', earnId: call.earnId });
}
