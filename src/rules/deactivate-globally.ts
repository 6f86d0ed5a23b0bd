import { holdsAt, type WorldView } from '../world/model.js';
import { type Decision, accept, refuse } from '../world/decision.js';

export interface GlobalCall {
  readonly promotionId: string;
}

/** Every refusal this rule can make, for the start-up check against the contract. */
export const GLOBAL_REFUSALS = ['GLOBAL.PROMOTION_NOT_FOUND', 'PROMO.UPDATE_EXPIRY_DATE_NOT_ALLOWED'] as const;

/**
 * Deactivate a promotion for the whole organisation. The precedence, first match wins
 * (contract validation, 725 / 400, has already passed; a forced 500 comes from scenarios only):
 *
 *   404  the organisation has no such promotion
 *   811  an expiry-date update job is still running on it at the tenant's time
 *   200  the promotion becomes INACTIVE; again on an INACTIVE one is 200 too (idempotent), and
 *        an EXPIRED one, by status or past its validTill, is deactivated too (the page lists no
 *        706 for this call)
 *
 * `now` is the tenant's time (ms): the rule has no clock of its own.
 */
export function deactivateGlobally(world: WorldView, call: GlobalCall, now: number): Decision {
  const promotion = world.promotion(call.promotionId);
  if (!promotion) return refuse('GLOBAL.PROMOTION_NOT_FOUND');
  if (holdsAt(promotion.expiryJobEnds, now)) return refuse('PROMO.UPDATE_EXPIRY_DATE_NOT_ALLOWED');
  return accept({ kind: 'deactivate-promotion', promotionId: promotion.id });
}
