import type { UnknownPromotions } from '../world/model.js';
import { compileContractChecks } from '../spec/contract-checks.js';
import { loadContract } from '../spec/load-contract.js';
import { loadScenarios } from './load-scenarios.js';
import { formatProblem, ScenarioError } from './scenario.js';

export interface FolderReport {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/**
 * The check the sandbox runs on its scenarios at start, for people who write scenarios in their
 * own CI (`promotions-sandbox validate [dir]`): every problem with its file, line and column.
 */
export async function validateFolder(directory: string, contractPath: string, unknownPromotions: UnknownPromotions): Promise<FolderReport> {
  const contract = await loadContract(contractPath);
  try {
    const set = await loadScenarios(directory, contract, compileContractChecks(contract), unknownPromotions);
    return { ok: true, lines: [`${set.scenarios.length} scenarios in ${directory}: all valid.`] };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, lines: error.problems.map(formatProblem) };
    throw error;
  }
}
