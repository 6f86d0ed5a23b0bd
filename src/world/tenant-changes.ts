import { unhandled } from '../unhandled.js';
import type { WorldChange } from './model.js';

/**
 * A tenant's changes to the seed world: all a tenant costs beyond the shared seed. Sets of keys,
 * so applying the same change twice is harmless and a tenant that changed nothing costs nothing.
 */
export interface TenantChanges {
  readonly inactivePromotions: ReadonlySet<string>;
  readonly inactiveParticipations: ReadonlySet<string>;
  readonly inactiveEarns: ReadonlySet<string>;
}

/** The empty set every tenant shares until it changes something of that kind. */
export const NO_MEMBERS: ReadonlySet<string> = new Set<string>();

export const NO_CHANGES: TenantChanges = Object.freeze({ inactivePromotions: NO_MEMBERS, inactiveParticipations: NO_MEMBERS, inactiveEarns: NO_MEMBERS });

/** A tenant's own changes, changed in place by its store; each set is made on its first member. */
export type OwnChanges = { -readonly [Kind in keyof TenantChanges]: TenantChanges[Kind] };

/**
 * A participation's key in a tenant's changes, `customer/promotion`, made whole (not a template).
 * Shaped for memory: docs/performance.md#participation-keys-are-made-whole
 */
export function participationKey(customerId: string, promotionId: string): string {
  // A call asks for its key up to three times (what it reads, whether the customer takes part,
  // the change it makes): the last key made is kept. Shaped for speed: docs/performance.md#participation-keys-are-made-whole
  if (customerId !== lastKeyMade.customerId || promotionId !== lastKeyMade.promotionId) {
    lastKeyMade = { customerId, promotionId, key: [customerId, promotionId].join('/') };
  }
  return lastKeyMade.key;
}

let lastKeyMade = { customerId: '', promotionId: '', key: '/' };

/** A tenant's own, empty changes (most tenants change one kind of thing only: sets cost). */
export function emptyChanges(): OwnChanges {
  return { inactivePromotions: NO_MEMBERS, inactiveParticipations: NO_MEMBERS, inactiveEarns: NO_MEMBERS };
}

/** Applies a change in place; cheap whatever the number of changes already made. */
export function applyChange(changes: OwnChanges, change: WorldChange): void {
  switch (change.kind) {
    case 'deactivate-promotion':
      changes.inactivePromotions = withMember(changes.inactivePromotions, change.promotionId);
      return;
    case 'deactivate-participation':
      changes.inactiveParticipations = withMember(changes.inactiveParticipations, participationKey(change.customerId, change.promotionId));
      return;
    case 'deactivate-earn':
      changes.inactiveEarns = withMember(changes.inactiveEarns, change.earnId);
      return;
    default:
      unhandled('world change', change);
  }
}

/** Adds to a tenant's own set, or makes that set when it is still the shared empty one. */
function withMember(set: ReadonlySet<string>, member: string): ReadonlySet<string> {
  if (set === NO_MEMBERS) return new Set([member]);
  (set as Set<string>).add(member);
  return set;
}

export function changeCount(changes: TenantChanges): number {
  return changes.inactivePromotions.size + changes.inactiveParticipations.size + changes.inactiveEarns.size;
}

/** The changes with one more applied; the input is never modified (for pure code and tests). */
export function withChange(changes: TenantChanges, change: WorldChange): TenantChanges {
  const copy: OwnChanges = {
    inactivePromotions: new Set(changes.inactivePromotions),
    inactiveParticipations: new Set(changes.inactiveParticipations),
    inactiveEarns: new Set(changes.inactiveEarns),
  };
  applyChange(copy, change);
  return copy;
}

/** The members of the change sets a decision looks at. */
export interface ChangeReads {
  readonly promotions: readonly string[];
  readonly participations: readonly string[];
  readonly earns: readonly string[];
}
