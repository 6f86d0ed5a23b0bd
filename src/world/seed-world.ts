import { type Customer, type CustomerNow, endOf, expiryOf, type Promotion, type PromotionNow, type UnknownPromotions, type WorldSetup, type WorldView } from './model.js';
import { unhandled } from '../unhandled.js';
import { type TenantChanges, participationKey } from './tenant-changes.js';

/**
 * A promotion with what does not depend on the tenant resolved once (its validTill, an end at a
 * fixed time), and its job's length when that runs from the tenant's clock start.
 */
interface SeedPromotion {
  readonly now: PromotionNow;
  readonly jobSeconds?: number;
}

/**
 * The world every tenant starts from, shared and immutable: indexes over the entities the
 * scenario files set up. A tenant's world is a view of it through that tenant's changes and its
 * clock's start, from which the lengths the files give (a cart's lock, an expiry job) run.
 */
export class SeedWorld {
  readonly #promotions: ReadonlyMap<string, SeedPromotion>;
  readonly #customers: ReadonlyMap<string, Customer>;
  readonly #earns: ReadonlyMap<string, WorldSetup['earns'][number]>;
  readonly #absent: ReadonlySet<string>;

  constructor(
    readonly setup: WorldSetup,
    readonly unknownPromotions: UnknownPromotions,
  ) {
    this.#promotions = new Map(setup.promotions.map((promotion) => [promotion.id, seedPromotion(promotion)]));
    this.#customers = new Map(setup.customers.map((customer) => [customer.id, customer]));
    this.#earns = new Map(setup.earns.map((earn) => [earn.id, earn]));
    this.#absent = new Set(setup.absentPromotions);
  }

  /** The tenant's world: the seed seen through its changes, its times from `clockStart` (ms). Cheap: nothing is copied but what a time or a change alters. */
  viewWith(changes: TenantChanges, clockStart: number): WorldView {
    return {
      promotion: (id) => {
        const seed = this.#promotions.get(id);
        let promotion = seed ? seed.now : this.#implicitPromotion(id);
        if (seed?.jobSeconds !== undefined) promotion = { ...seed.now, expiryJobEnds: clockStart + seed.jobSeconds * 1000 };
        if (promotion && changes.inactivePromotions.has(id)) return { ...promotion, status: 'INACTIVE' };
        return promotion;
      },
      customer: (id) => customerNow(this.#customers.get(id), clockStart),
      earn: (id) => {
        const earn = this.#earns.get(id);
        return earn && changes.inactiveEarns.has(id) ? { ...earn, status: 'INACTIVE' } : earn;
      },
      // The key is made only when the tenant has deactivated some participation: most have none.
      takesPart: (customerId, promotionId) =>
        !(changes.inactiveParticipations.size > 0 && changes.inactiveParticipations.has(participationKey(customerId, promotionId))) &&
        !(this.#customers.get(customerId)?.inactivePromotions.includes(promotionId) ?? false),
    };
  }

  /** A well-formed id the world does not know: as `--unknown-promotions` says, an active promotion a customer may opt out of, or none. */
  #implicitPromotion(id: string): PromotionNow | undefined {
    if (this.#absent.has(id)) return undefined;
    switch (this.unknownPromotions) {
      case 'active':
        return { id, type: 'CUSTOMER', mode: 'DISCOUNT', status: 'ACTIVE' };
      case 'not-found':
        return undefined;
      default:
        return unhandled('--unknown-promotions mode', this.unknownPromotions);
    }
  }
}

function seedPromotion({ expiryJob, ...promotion }: Promotion): SeedPromotion {
  const now: PromotionNow = {
    ...promotion,
    ...(promotion.validTill === undefined ? {} : { expiresAt: expiryOf(promotion.validTill) }),
    ...(expiryJob === undefined || 'seconds' in expiryJob ? {} : { expiryJobEnds: endOf(expiryJob, 0) }),
  };
  return expiryJob !== undefined && 'seconds' in expiryJob ? { now, jobSeconds: expiryJob.seconds } : { now };
}

function customerNow(customer: Customer | undefined, clockStart: number): CustomerNow | undefined {
  if (!customer?.pendingCart) return customer as CustomerNow | undefined;
  const { pendingCart, ...rest } = customer;
  return { ...rest, pendingCart: { evaluationId: pendingCart.evaluationId, lockedUntil: endOf(pendingCart.lock, clockStart) } };
}
