import type { CatalogueEntry } from './spec/catalogue.js';
import type { Contract } from './spec/load-contract.js';
import type { Operation } from './spec/operations.js';
import type { ValidValues } from './spec/request-validator.js';
import { type Answer, successAnswer } from './spec/success-answer.js';

/** A call that passed authentication and contract validation. */
export interface ValidCall {
  readonly operation: Operation;
  readonly values: ValidValues;
  readonly body: unknown;
  readonly tenant: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type Outcome =
  | ({ readonly kind: 'answer' } & Answer)
  | { readonly kind: 'error'; readonly error: CatalogueEntry; readonly message?: string };

/**
 * The seam where the answer to a valid call is decided. Scenarios and the tenant's world plug in
 * here; until they do, every valid call gets the documented success of its operation.
 */
export type DecideOutcome = (call: ValidCall) => Outcome | Promise<Outcome>;

export function documentedSuccess(contract: Contract, seed: number): DecideOutcome {
  const answers = new Map(contract.operations.map((operation) => [operation.operationId, successAnswer(operation, seed)]));
  return ({ operation }) => {
    const answer = answers.get(operation.operationId);
    if (!answer) throw new Error(`no answer for ${operation.operationId}`);
    return { kind: 'answer', ...answer };
  };
}
