import type { WorldView } from '../world/model.js';
import { canonicalCustomerId, canonicalHexId } from '../world/model.js';
import type { ParameterTexts } from '../contract/request-validator.js';
import { type ChangeReads, participationKey } from '../world/tenant-changes.js';
import type { Decision } from '../world/decision.js';
import { PER_CUSTOMER_REFUSALS, deactivateForCustomer } from './deactivate-for-customer.js';
import { GLOBAL_REFUSALS, deactivateGlobally } from './deactivate-globally.js';
import { READ_REFUSALS, readPromotion } from './read-promotion.js';


/** The domain behind one operation of the contract. */
export interface OperationRule {
  /** Catalogue keys the rule can refuse with; checked against the contract at start-up. */
  readonly refusals: readonly string[];
  /** `now`: the tenant's time (ms since the epoch). */
  decide(world: WorldView, texts: ParameterTexts, now: number): Decision;
  /** The tenant's changes the decision can look at, so a store need read no others. */
  reads(texts: ParameterTexts): ChangeReads;
}

const promotionIdOf = (texts: ParameterTexts): string => canonicalHexId(texts.promotionId ?? '');
/** The literal `null`, as the vendor's examples send it, means no earnId. */
const earnIdOf = (texts: ParameterTexts): string | undefined =>
  texts.earnId === undefined || texts.earnId === 'null' ? undefined : canonicalHexId(texts.earnId);

const perCustomer: OperationRule = {
  refusals: PER_CUSTOMER_REFUSALS,
  decide: (world, texts, now) => {
    const earnId = earnIdOf(texts);
    return deactivateForCustomer(
      world,
      {
        promotionId: promotionIdOf(texts),
        customerId: canonicalCustomerId(texts.customerId ?? '0'),
        ...(earnId === undefined ? {} : { earnId }),
      },
      now,
    );
  },
  reads: (texts) => {
    const promotionId = promotionIdOf(texts);
    const earnId = earnIdOf(texts);
    return {
      promotions: [promotionId],
      participations: [participationKey(canonicalCustomerId(texts.customerId ?? '0'), promotionId)],
      earns: earnId === undefined ? [] : [earnId],
    };
  },
};

const global: OperationRule = {
  refusals: GLOBAL_REFUSALS,
  decide: (world, texts, now) => deactivateGlobally(world, { promotionId: promotionIdOf(texts) }, now),
  reads: (texts) => ({ promotions: [promotionIdOf(texts)], participations: [], earns: [] }),
};

const promotionRead: OperationRule = {
  refusals: READ_REFUSALS,
  decide: (world, texts, now) => readPromotion(world, { promotionId: promotionIdOf(texts) }, now),
  reads: (texts) => ({ promotions: [promotionIdOf(texts)], participations: [], earns: [] }),
};

/**
 * The operations whose answers the world decides, by operationId. Others answer their example;
 * a rule whose operation the contract lacks is never used (getPromotion: no vendor page has it,
 * a contract of one's own may add it).
 */
export const OPERATION_RULES: Readonly<Record<string, OperationRule>> = {
  deactivatePromotionForCustomer: perCustomer,
  deactivatePromotionGlobally: global,
  getPromotion: promotionRead,
};
