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

export const NO_CHANGES: TenantChanges = Object.freeze({
  inactivePromotions: new Set<string>(),
  inactiveParticipations: new Set<string>(),
  inactiveEarns: new Set<string>(),
});

export function participationKey(customerId: string, promotionId: string): string {
  return `${customerId}/${promotionId}`;
}

/** A tenant's own, empty changes, to be changed in place by its store. */
export function emptyChanges(): { inactivePromotions: Set<string>; inactiveParticipations: Set<string>; inactiveEarns: Set<string> } {
  return { inactivePromotions: new Set(), inactiveParticipations: new Set(), inactiveEarns: new Set() };
}

/** Applies a change in place; cheap whatever the number of changes already made. */
export function applyChange(changes: ReturnType<typeof emptyChanges>, change: WorldChange): void {
  switch (change.kind) {
    case 'deactivate-promotion':
      changes.inactivePromotions.add(change.promotionId);
      return;
    case 'deactivate-participation':
      changes.inactiveParticipations.add(participationKey(change.customerId, change.promotionId));
      return;
    case 'deactivate-earn':
      changes.inactiveEarns.add(change.earnId);
  }
}

export function changeCount(changes: TenantChanges): number {
  return changes.inactivePromotions.size + changes.inactiveParticipations.size + changes.inactiveEarns.size;
}

/** The changes with one more applied; the input is never modified (for pure code and tests). */
export function withChange(changes: TenantChanges, change: WorldChange): TenantChanges {
  const copy = {
    inactivePromotions: new Set(changes.inactivePromotions),
    inactiveParticipations: new Set(changes.inactiveParticipations),
    inactiveEarns: new Set(changes.inactiveEarns),
  };
  applyChange(copy, change);
  return copy;
}
