import type { Contract } from './load-contract.js';
import type { Operation } from './operations.js';
import { type Answer, successAnswer } from './success-answer.js';
import { SUCCESS_CACHE, storedSuccesses } from './success-cache.js';

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
