import type { Decision } from '../rules/decision.js';
import type { ChangeReads, TenantChanges } from './tenant-changes.js';

/**
 * A tenant's changes to the seed world: the only writes a vendor call makes. Each method is
 * atomic for its tenant.
 */
export interface ChangeStore {
  /**
   * Decides on the tenant's current changes and applies the decision's change, atomically: a
   * decision made on members seen absent is applied only while they are still absent.
   * `reads` names the changes the decision can look at; a store may read only those (so a call
   * costs the same however many changes the tenant made). Without `reads` the change is applied
   * as decided.
   */
  transact(tenant: string, decide: (changes: TenantChanges) => Decision, reads?: ChangeReads): Promise<Decision>;
  changes(tenant: string): Promise<TenantChanges>;
  /** Back to the seed world: changes, pin and sequence positions go; the journal and coverage stay. */
  reset(tenant: string): Promise<void>;
}
