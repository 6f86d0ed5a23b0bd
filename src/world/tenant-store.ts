import type { OneTripCalls } from './one-trip.js';
import type { TokenStore } from '../auth/token-store.js';
import type { ChangeStore } from './change-store.js';
import type { ClockStore } from './clock-store.js';
import type { CoverageStore } from './coverage-store.js';
import type { ErrorRateStore } from './error-rate-store.js';
import type { JournalStore } from './journal-store.js';
import type { PinStore } from './pin-store.js';
import type { SequenceStore } from './sequence-store.js';
import type { StoreHealth } from './store-health.js';
import type { TenantDirectory } from './tenant-directory.js';

/**
 * Everything a store backend keeps, as the app wires it: a backend implements all of it, each
 * part of the sandbox takes only the part it uses. Each method is atomic for its tenant.
 */
/** Where tenants' state lives; a shared store may also settle a vendor call in one trip (one-trip.ts). */
export interface TenantStore extends ChangeStore, ClockStore, PinStore, SequenceStore, ErrorRateStore, JournalStore, CoverageStore, TenantDirectory, TokenStore, StoreHealth, Partial<OneTripCalls> {
  close(): Promise<void>;
}

