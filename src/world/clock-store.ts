import type { ClockPlan, ClockReading } from './tenant-clock.js';

/** A tenant's clock (tenant-clock.ts), kept with its other state: two replicas of one store agree on it. */
export interface ClockStore {
  /**
   * The tenant's clock now; its start is set by the tenant's first call that writes, once. For a
   * tenant the store does not hold it reads as a fresh tenant's clock, starting now, and keeps nothing.
   */
  clock(tenant: string): Promise<ClockReading>;
  /**
   * Moves the clock as `plan` decides from a reading, atomically: the plan is applied only if
   * the clock is still as read (else read again and planned again). A refusal changes nothing.
   */
  moveClock(tenant: string, plan: (reading: ClockReading) => ClockPlan): Promise<ClockReading | { readonly problem: string }>;
}
