import type { Awaitable } from '../awaitable.js';
import type { Decision } from './decision.js';
import type { ChangeReads, TenantChanges } from './tenant-changes.js';
import type { ClockReading } from './tenant-clock.js';

/**
 * A tenant's changes to the seed world: the only writes a vendor call makes. Each method is
 * atomic for its tenant.
 */
export interface ChangeStore {
  /**
   * Decides on the tenant's current changes at the tenant's time and applies the decision's
   * change, if it has one (a refusal or a read-only success writes nothing), atomically: a decision made on members seen absent is applied only while they are
   * still absent, and only while the tenant's clock is still as it was read (a concurrent move or
   * reset of it voids the decision, which is made again).
   * `reads` names the changes the decision can look at; a store may read only those (so a call
   * costs the same however many changes the tenant made). Without `reads` the change is applied
   * as decided.
   */
  transact(tenant: string, decide: (changes: TenantChanges, clock: ClockReading) => Decision, reads?: ChangeReads): Awaitable<Decision>;
  changes(tenant: string): Promise<TenantChanges>;
  /** Back to the seed world: changes, pin and sequence positions go, the clock goes back to its start; the journal and coverage stay. */
  reset(tenant: string): Promise<void>;
}
