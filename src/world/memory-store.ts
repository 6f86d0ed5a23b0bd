import type { Decision } from '../rules/decision.js';
import { NO_CHANGES, type TenantChanges, withChange } from './tenant-changes.js';
import type { JournalEntry, Pin, TenantStore } from './tenant-store.js';

interface TenantState {
  changes: TenantChanges;
  pin: Pin | undefined;
  sequences: Map<string, number>;
  /** Oldest first; bounded. */
  journal: JournalEntry[];
}

/**
 * The in-process store. Each method does its work synchronously and returns a settled promise,
 * so on Node's single thread every read-decide-write is atomic for its tenant.
 */
export class MemoryStore implements TenantStore {
  readonly #tenants = new Map<string, TenantState>();

  constructor(private readonly journalSize: number) {}

  #state(tenant: string): TenantState {
    let state = this.#tenants.get(tenant);
    if (!state) {
      state = { changes: NO_CHANGES, pin: undefined, sequences: new Map(), journal: [] };
      this.#tenants.set(tenant, state);
    }
    return state;
  }

  transact(tenant: string, decide: (changes: TenantChanges) => Decision): Promise<Decision> {
    const state = this.#state(tenant);
    const decision = decide(state.changes);
    if (decision.accepted) state.changes = withChange(state.changes, decision.change);
    return Promise.resolve(decision);
  }

  changes(tenant: string): Promise<TenantChanges> {
    return Promise.resolve(this.#tenants.get(tenant)?.changes ?? NO_CHANGES);
  }

  reset(tenant: string): Promise<void> {
    const state = this.#tenants.get(tenant);
    if (state) {
      state.changes = NO_CHANGES;
      state.pin = undefined;
      state.sequences.clear();
    }
    return Promise.resolve();
  }

  pin(tenant: string): Promise<Pin | undefined> {
    return Promise.resolve(this.#tenants.get(tenant)?.pin);
  }

  setPin(tenant: string, pin: Pin | undefined): Promise<void> {
    this.#state(tenant).pin = pin;
    return Promise.resolve();
  }

  takePin(tenant: string, applies: (pin: Pin) => boolean): Promise<Pin | undefined> {
    const state = this.#tenants.get(tenant);
    const pin = state?.pin;
    if (!state || !pin || !applies(pin)) return Promise.resolve(undefined);
    if (pin.remaining !== undefined) state.pin = pin.remaining > 1 ? { ...pin, remaining: pin.remaining - 1 } : undefined;
    return Promise.resolve(pin);
  }

  nextInSequence(tenant: string, scenario: string): Promise<number> {
    const sequences = this.#state(tenant).sequences;
    const position = sequences.get(scenario) ?? 0;
    sequences.set(scenario, position + 1);
    return Promise.resolve(position);
  }

  record(tenant: string, entry: JournalEntry): Promise<void> {
    const journal = this.#state(tenant).journal;
    journal.push(entry);
    if (journal.length > this.journalSize) journal.splice(0, journal.length - this.journalSize);
    return Promise.resolve();
  }

  journal(tenant: string): Promise<readonly JournalEntry[]> {
    return Promise.resolve([...(this.#tenants.get(tenant)?.journal ?? [])].reverse());
  }

  clearJournal(tenant: string): Promise<void> {
    const state = this.#tenants.get(tenant);
    if (state) state.journal = [];
    return Promise.resolve();
  }
}
