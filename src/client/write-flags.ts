import type { PlanOptions } from './plan-checks.js';

/** The ids `verify --allow-writes` is given on the command line for the successes it may cause. */
export interface WriteFlags {
  readonly promotionId?: string;
  readonly customerId?: string;
  readonly globalPromotionId?: string;
}

/**
 * The flags as values of each operation's parameters (an empty flag gives no id). The flags are
 * named for the vendor's two successes, so this is where their operations are named; verify
 * builds each call from its operation's parameters, and skips a success no flag gives ids for.
 */
export function writesFromFlags(flags: WriteFlags): NonNullable<PlanOptions['writes']> {
  return {
    deactivatePromotionForCustomer: { promotionId: flags.promotionId || undefined, customerId: flags.customerId || undefined },
    deactivatePromotionGlobally: { promotionId: flags.globalPromotionId || undefined },
  };
}
