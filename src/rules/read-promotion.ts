import type { PromotionStatus, WorldView } from '../world/model.js';
import { type Decision, answer, refuse } from '../world/decision.js';

export interface PromotionReadCall {
  readonly promotionId: string;
}

/** What a promotion read answers in the envelope's data. */
export interface PromotionState {
  readonly id: string;
  readonly status: PromotionStatus;
}

/** Every refusal this rule can make, for the start-up check against the contract. */
export const READ_REFUSALS = ['GLOBAL.PROMOTION_NOT_FOUND'] as const;

/**
 * Read one promotion's status as the tenant's world holds it (no vendor page documents this
 * call: it serves contracts that add it). It changes nothing:
 *
 *   404  the organisation has no such promotion
 *   200  its id and status: INACTIVE once deactivated for the whole organisation, EXPIRED by
 *        status or from its validTill on (the tenant's time), else as the world sets it up
 */
export function readPromotion(world: WorldView, call: PromotionReadCall, now: number): Decision {
  const promotion = world.promotion(call.promotionId);
  if (!promotion) return refuse('GLOBAL.PROMOTION_NOT_FOUND');
  const expired = promotion.status === 'ACTIVE' && promotion.expiresAt !== undefined && now >= promotion.expiresAt;
  const state: PromotionState = { id: promotion.id, status: expired ? 'EXPIRED' : promotion.status };
  return answer(state);
}
