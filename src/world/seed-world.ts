import type { Customer, Earn, Promotion, UnknownPromotions, WorldSetup, WorldView } from './model.js';
import { unhandled } from '../unhandled.js';
import { type TenantChanges, participationKey } from './tenant-changes.js';

/**
 * The world every tenant starts from, shared and immutable: indexes over the entities the
 * scenario files set up. A tenant's world is a view of it through that tenant's changes.
 */
export class SeedWorld {
  readonly #promotions: ReadonlyMap<string, Promotion>;
  readonly #customers: ReadonlyMap<string, Customer>;
  readonly #earns: ReadonlyMap<string, Earn>;
  readonly #absent: ReadonlySet<string>;

  constructor(
    readonly setup: WorldSetup,
    readonly unknownPromotions: UnknownPromotions,
  ) {
    this.#promotions = new Map(setup.promotions.map((promotion) => [promotion.id, promotion]));
    this.#customers = new Map(setup.customers.map((customer) => [customer.id, customer]));
    this.#earns = new Map(setup.earns.map((earn) => [earn.id, earn]));
    this.#absent = new Set(setup.absentPromotions);
  }

  /** The tenant's world: the seed seen through its changes. Cheap: nothing is copied. */
  viewWith(changes: TenantChanges): WorldView {
    return {
      promotion: (id) => {
        const promotion = this.#promotions.get(id) ?? this.#implicitPromotion(id);
        if (promotion && changes.inactivePromotions.has(id)) return { ...promotion, status: 'INACTIVE' };
        return promotion;
      },
      customer: (id) => this.#customers.get(id),
      earn: (id) => {
        const earn = this.#earns.get(id);
        return earn && changes.inactiveEarns.has(id) ? { ...earn, status: 'INACTIVE' } : earn;
      },
      takesPart: (customerId, promotionId) =>
        !changes.inactiveParticipations.has(participationKey(customerId, promotionId)) &&
        !(this.#customers.get(customerId)?.inactivePromotions.includes(promotionId) ?? false),
    };
  }

  /** A well-formed id the world does not know: as `--unknown-promotions` says, an active promotion a customer may opt out of, or none. */
  #implicitPromotion(id: string): Promotion | undefined {
    if (this.#absent.has(id)) return undefined;
    switch (this.unknownPromotions) {
      case 'active':
        return { id, type: 'CUSTOMER', mode: 'DISCOUNT', status: 'ACTIVE', expiryJobRunning: false };
      case 'not-found':
        return undefined;
      default:
        return unhandled('--unknown-promotions mode', this.unknownPromotions);
    }
  }
}
