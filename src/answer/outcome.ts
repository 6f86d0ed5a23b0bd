import type { CatalogueEntry } from '../contract/catalogue.js';
import type { Contract } from '../contract/load-contract.js';
import type { Operation } from '../contract/operations.js';
import type { ParameterTexts, ValidValues } from '../contract/request-validator.js';
import { type Answer, successAnswer } from '../contract/success-answer.js';
import { SUCCESS_CACHE, storedSuccesses } from '../contract/success-cache.js';

/** A call that passed authentication and contract validation. */
export interface ValidCall {
  readonly operation: Operation;
  readonly values: ValidValues;
  readonly texts: ParameterTexts;
  readonly body: unknown;
  /** The tenant: the credential, refined by X-Sandbox-Session. */
  readonly tenant: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** How the answer is given: which scenario made it, and after how long. */
interface Delivery {
  readonly scenario?: string;
  readonly delayMs?: number;
}

export type Outcome =
  | ({ readonly kind: 'answer' } & Answer & Delivery)
  | ({ readonly kind: 'error'; readonly error: CatalogueEntry; readonly message?: string } & Delivery)
  | ({ readonly kind: 'drop' } & Delivery);

/** The seam where the answer to a valid call is decided: scenarios, then the tenant's world. */
export type DecideOutcome = (call: ValidCall) => Promise<Outcome>;

/** Each operation's documented success, computed once (examples, or seeded generated bodies). */
export class SuccessAnswers {
  private constructor(readonly answers: ReadonlyMap<string, Answer>) {}

  /** The shipped contract's, with the default seed, come from the cache made at build (success-cache.ts). */
  static async of(contract: Contract, seed: number, cacheFile = SUCCESS_CACHE): Promise<SuccessAnswers> {
    const stored = storedSuccesses(contract.sourceHash, seed, cacheFile);
    if (stored && contract.operations.every((operation) => stored.has(operation.operationId))) return new SuccessAnswers(stored);
    return SuccessAnswers.generate(contract, seed);
  }

  static async generate(contract: Contract, seed: number): Promise<SuccessAnswers> {
    const answers = await Promise.all(contract.operations.map(async (operation) => [operation.operationId, await successAnswer(operation, seed)] as const));
    return new SuccessAnswers(new Map(answers));
  }

  of(operation: Operation): Answer {
    const answer = this.answers.get(operation.operationId);
    if (!answer) throw new Error(`no success answer for ${operation.operationId}`);
    return answer;
  }
}
