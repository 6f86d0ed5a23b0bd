import type { UnknownPromotions } from '../world/model.js';
import { compileContractChecks } from '../contract/contract-checks.js';
import { loadContract } from '../contract/load-contract.js';
import { loadScenarios } from './load-scenarios.js';
import { formatProblem, ScenarioError } from './scenario.js';
import type { ScenarioSet } from './scenario-set.js';

export interface FolderReport {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/**
 * The check the sandbox runs on its scenarios at start, for people who write scenarios in their
 * own CI (`promotions-sandbox validate [dir]`): a folder of one's own is checked with the shipped
 * scenarios it adds to, as a start serves them (or alone, with `onlyOwn`), and every problem is
 * reported with its file, line and column.
 */
export async function validateFolder(directory: string, contractPath: string, unknownPromotions: UnknownPromotions, onlyOwn = false): Promise<FolderReport> {
  const contract = await loadContract(contractPath);
  try {
    const set = await loadScenarios(directory, contract, compileContractChecks(contract), unknownPromotions, { onlyOwn });
    return { ok: true, lines: [`${describeSet(set, directory)}: all valid.`] };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, lines: error.problems.map(formatProblem) };
    throw error;
  }
}

/**
 * `20 scenarios, 1 of my-folder and 19 shipped`, or `19 scenarios in …/scenarios` for one folder
 * alone; then the shipped scenarios the folder replaces, so that a replacement meant is seen to hold.
 */
function describeSet(set: ScenarioSet, directory: string): string {
  const own = set.scenarios.filter((scenario) => scenario.source === 'own').length;
  const shipped = set.scenarios.length - own;
  const count = (n: number): string => `${n} scenario${n === 1 ? '' : 's'}`;
  const folders = own === 0 || shipped === 0 ? `${count(set.scenarios.length)} in ${directory}` : `${count(set.scenarios.length)}, ${own} of ${directory} and ${shipped} shipped`;
  return set.replaced.length === 0 ? folders : `${folders} (yours replace the shipped ${set.replaced.join(', ')})`;
}
