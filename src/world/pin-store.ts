import type { Awaitable } from '../awaitable.js';
import type { ChangeReads } from './tenant-changes.js';

/** A scenario pinned for a tenant: for all its operations or one, for N calls or until removed. */
export interface Pin {
  readonly scenario: string;
  readonly operationId?: string;
  /** Calls left; absent means until removed. */
  readonly remaining?: number;
}

/** The scenario a tenant pinned, which answers its next calls instead of its world. */
export interface PinStore {
  pin(tenant: string): Promise<Pin | undefined>;
  setPin(tenant: string, pin: Pin | undefined): Promise<void>;
  /**
   * The pin that applies to a call of this operation, counting the call against it: of
   * concurrent calls, a pin of N calls goes to N of them.
   * `readAhead`: the reads the call's `transact` will make (the same object) when no pin applies;
   * a store over a connection may fetch them with the pin, in one command, for that transact's
   * first attempt (a read that is stale by then only makes the decision's check fail and retry).
   */
  takePin(tenant: string, applies: (pin: Pin) => boolean, readAhead?: ChangeReads): Awaitable<Pin | undefined>;
}
