import type { Operation } from './operations.js';

/** What of a scenario this needs: the operations it is for and its magic values, by parameter name. */
interface Magic {
  readonly operations: readonly string[];
  readonly magic: Readonly<Record<string, string>>;
}

/**
 * The operations a scenario's magic values reach: those of its operations that have every
 * parameter the values name. `invalid-input`'s `customerId` reaches the per-customer call, not
 * the global one, which has no customer (a call there never matches it). The one rule for the
 * start's checks, the scenarios listing, the docs' table and the Postman collection; a question
 * of the contract's parameters, so it lives with them.
 */
export function magicReach(scenario: Magic, operations: readonly Operation[]): Operation[] {
  const names = Object.keys(scenario.magic);
  if (names.length === 0) return [];
  return scenario.operations
    .map((operationId) => operations.find((operation) => operation.operationId === operationId))
    .filter((operation): operation is Operation => operation !== undefined && names.every((name) => operation.parameters.some((parameter) => parameter.name === name)));
}

/** The magic values by the operations they reach, as the listing gives them (none: `{}`). */
export function magicByOperation(scenario: Magic, operations: readonly Operation[]): Record<string, Record<string, string>> {
  return Object.fromEntries(magicReach(scenario, operations).map((operation) => [operation.operationId, { ...scenario.magic }]));
}
