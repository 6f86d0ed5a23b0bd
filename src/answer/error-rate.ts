import { type Awaitable, andThen } from '../awaitable.js';
import { type CatalogueEntry, isValidationCode, REQUIRED_KEYS } from '../contract/catalogue.js';
import type { Operation } from '../contract/operations.js';
import type { ScenarioSet } from '../scenarios/scenario-set.js';
import type { ErrorRate, ErrorRateStore } from '../world/error-rate-store.js';
import type { SequenceStore } from '../world/sequence-store.js';
import type { Outcome, ValidCall } from './outcome.js';

/**
 * The tenant's sequence of eligible calls, kept with the scenarios' sequences (so a reset starts
 * it again): not a scenario's name, which the schema allows only as a-z, 0-9 and hyphens.
 */
export const ERROR_RATE_SEQUENCE = '~error-rate';

/** One error a call can be sprinkled with: the operation's entry and the scenario that documents its code. */
interface Sprinkle {
  readonly error: CatalogueEntry;
  readonly scenario: string;
}

/** Answers a call with a documented error at its tenant's rate, or leaves it to the world (undefined). */
export type SprinkleErrors = ((call: ValidCall, set: ScenarioSet) => Awaitable<Outcome | undefined>) & {
  /** Whether the command's `--error-rate` sprinkles the calls of a tenant that set none of its own. */
  readonly byDefault: boolean;
};

/**
 * Documented errors at a rate (`--error-rate`, `--error-seed`, `PUT /__sandbox/error-rate`), for
 * a call no scenario, pin or magic value answered. The n-th such call of a tenant is decided by
 * the seed and n alone (n from the store, shared by replicas), so a run is repeated exactly.
 * Only an error of the tenant's world or of the vendor's side is sprinkled: never one a valid,
 * admitted call cannot meet (validation, authentication, the rate limit) nor the sandbox's own.
 */
export function sprinkleErrors(store: ErrorRateStore & SequenceStore, fallback: ErrorRate): SprinkleErrors {
  const bySet = new WeakMap<ScenarioSet, Map<string, readonly Sprinkle[]>>();
  const choicesFor = (set: ScenarioSet, operation: Operation): readonly Sprinkle[] => {
    let byOperation = bySet.get(set);
    if (!byOperation) bySet.set(set, (byOperation = new Map<string, readonly Sprinkle[]>()));
    let choices = byOperation.get(operation.operationId);
    if (!choices) byOperation.set(operation.operationId, (choices = sprinkleChoices(set, operation)));
    return choices;
  };
  const sprinkle = (call: ValidCall, set: ScenarioSet): Awaitable<Outcome | undefined> => {
    const choices = choicesFor(set, call.operation);
    if (choices.length === 0) return undefined;
    return andThen(store.errorRate(call.tenant), (errorRate): Awaitable<Outcome | undefined> => {
      const { rate, seed } = errorRate ?? fallback;
      if (rate <= 0) return undefined;
      return andThen(store.nextInSequence(call.tenant, ERROR_RATE_SEQUENCE), (position) => {
        const chosen = sprinkledAt(seed, position, rate, choices.length);
        const picked = chosen === undefined ? undefined : choices[chosen];
        return picked && { kind: 'error', error: picked.error, scenario: picked.scenario };
      });
    });
  };
  return Object.assign(sprinkle, { byDefault: fallback.rate > 0 });
}

/**
 * The errors a valid call of this operation can be sprinkled with, by code: each code the
 * operation documents that a scenario answers for it (the one `Prefer: code=N` picks names it),
 * but for the codes a valid, admitted call never meets and the sandbox's own entries.
 */
export function sprinkleChoices(set: ScenarioSet, operation: Operation): readonly Sprinkle[] {
  const choices = new Map<number, Sprinkle>();
  for (const error of operation.errors) {
    if (choices.has(error.code) || !reachable(error)) continue;
    const scenario = set.preferred(operation.operationId, error.code);
    if (scenario) choices.set(error.code, { error, scenario: scenario.name });
  }
  return [...choices.values()].sort((a, b) => a.error.code - b.error.code);
}

function reachable(error: CatalogueEntry): boolean {
  return !isValidationCode(error) && error.key !== REQUIRED_KEYS.authenticationFailed && error.key !== REQUIRED_KEYS.rateLimitExceeded && !error.key.startsWith('SANDBOX.');
}

/** Which of `count` errors the call at `position` gets, or undefined for none: the seed and the position alone decide. */
export function sprinkledAt(seed: number, position: number, rate: number, count: number): number | undefined {
  if (unitDraw(seed, position, 0) >= rate) return undefined;
  return Math.min(count - 1, Math.floor(unitDraw(seed, position, 1) * count));
}

/** A number in [0, 1) from (seed, position, salt), the same on every machine: murmur3's finaliser over the three. */
export function unitDraw(seed: number, position: number, salt: number): number {
  let hash = mix(seed ^ 0x9e3779b9);
  hash = mix(hash ^ (position % 0x1_0000_0000));
  hash = mix(hash ^ Math.floor(position / 0x1_0000_0000));
  hash = mix(hash ^ salt);
  return (hash >>> 0) / 0x1_0000_0000;
}

function mix(value: number): number {
  let hash = value | 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash;
}
