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

/** The changes with one more applied; the input is never modified. */
export function withChange(changes: TenantChanges, change: WorldChange): TenantChanges {
  switch (change.kind) {
    case 'deactivate-promotion':
      return { ...changes, inactivePromotions: new Set(changes.inactivePromotions).add(change.promotionId) };
    case 'deactivate-participation':
      return {
        ...changes,
        inactiveParticipations: new Set(changes.inactiveParticipations).add(participationKey(change.customerId, change.promotionId)),
      };
    case 'deactivate-earn':
      return { ...changes, inactiveEarns: new Set(changes.inactiveEarns).add(change.earnId) };
  }
}

export function changeCount(changes: TenantChanges): number {
  return changes.inactivePromotions.size + changes.inactiveParticipations.size + changes.inactiveEarns.size;
}
