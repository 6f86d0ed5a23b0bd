import type { Contract } from '../contract/load-contract.js';
import { TAGS } from '../contract/tags.js';

/** One answer the contract documents for one of the vendor's operations. */
export interface DocumentedAnswer {
  readonly operationId: string;
  /** The envelope code, or the HTTP status of a success. */
  readonly code: number;
  readonly httpStatus: number;
  /** The catalogue key; null for a success. */
  readonly key: string | null;
}

export interface CoverageReport {
  readonly covered: number;
  readonly total: number;
  readonly answers: readonly (DocumentedAnswer & { readonly count: number })[];
}

/**
 * Every documented (operation, code) pair of the vendor's operations: each success and each
 * catalogue error they reference, except answers only the sandbox gives (413, 415, 422, 503).
 */
export function documentedAnswers(contract: Contract): DocumentedAnswer[] {
  return contract.operations
    .filter((operation) => operation.tags.includes(TAGS.promotions))
    .flatMap((operation) => [
      ...Object.keys(operation.responses)
        .filter((status) => /^2\d\d$/.test(status))
        .map((status) => ({ operationId: operation.operationId, code: Number(status), httpStatus: Number(status), key: null })),
      ...operation.errors
        .filter((entry) => !entry.sandboxOnly)
        .map((entry) => ({ operationId: operation.operationId, code: entry.code, httpStatus: entry.httpStatus, key: entry.key })),
    ]);
}

/** How a documented answer is named in reports: `operationId code KEY`. */
export function answerLabel({ operationId, code, key }: DocumentedAnswer): string {
  return `${operationId} ${code}${key ? ` ${key}` : ''}`;
}
