import type { TokenStore } from '../auth/token-store.js';
import type { ChangeStore } from './change-store.js';
import type { CoverageStore } from './coverage-store.js';
import type { JournalStore } from './journal-store.js';
import type { PinStore } from './pin-store.js';
import type { SequenceStore } from './sequence-store.js';
import type { StoreHealth } from './store-health.js';
import type { TenantDirectory } from './tenant-directory.js';

/**
 * Everything a store backend keeps, as the app wires it: a backend implements all of it, each
 * part of the sandbox takes only the part it uses. Each method is atomic for its tenant.
 */
export interface TenantStore extends ChangeStore, PinStore, SequenceStore, JournalStore, CoverageStore, TenantDirectory, TokenStore, StoreHealth {
  close(): Promise<void>;
}

/**
 * Whether an error is a lost or refused connection to a store (ioredis's messages and codes), as
 * opposed to a fault of the sandbox: such a call gets 503, even when the connection is already
 * back by the time the error arrives.
 */
export function isStoreConnectionError(error: unknown): boolean {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return (
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code ?? '') ||
    /Connection is closed|Stream isn't writeable|Connection lost|max retries per request/i.test(message ?? '')
  );
}
