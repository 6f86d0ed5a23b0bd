import type { Contract } from '../../src/contract/load-contract.js';
import type { Operation } from '../../src/contract/operations.js';

/** The vendor's calls: the contract's operations tagged `promotions` (not the sandbox's own, not OAuth). */
export function vendorOperations(contract: Contract): Operation[] {
  return contract.operations.filter((operation) => operation.tags.includes('promotions'));
}

/**
 * Every answer the contract documents for the vendor's calls, as `operationId code`: each 2xx
 * success an operation declares and each catalogue entry it references, less the answers only the
 * sandbox gives (`x-sandbox-only`). What verify asks a sandbox for and what coverage counts, so
 * the tests' counts follow the contract.
 */
export function documentedAnswerLabels(contract: Contract): string[] {
  return vendorOperations(contract).flatMap((operation) => [
    ...Object.keys(operation.responses)
      .filter((status) => /^2\d\d$/.test(status))
      .map((status) => `${operation.operationId} ${status}`),
    ...operation.errors.filter((entry) => !entry.sandboxOnly).map((entry) => `${operation.operationId} ${entry.code}`),
  ]);
}
