import { type Contract, ContractError } from '../contract/load-contract.js';
import { OPERATION_RULES } from '../rules/operation-rules.js';

/** Every refusal a domain rule can make must be documented for its operation (stripe-mock style). */
export function checkRulesAgainstContract(contract: Contract): void {
  const problems: string[] = [];
  for (const [operationId, rule] of Object.entries(OPERATION_RULES)) {
    const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
    if (!operation) continue;
    for (const key of rule.refusals) {
      if (!operation.errors.some((entry) => entry.key === key)) problems.push(`${operationId}: the rules refuse with ${key}, which it does not document`);
    }
  }
  if (problems.length > 0) throw new ContractError(contract.sourcePath, problems);
}
