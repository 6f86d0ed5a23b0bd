import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineCounter, Document as YamlDocument } from 'yaml';
import type { ContractChecks } from '../spec/contract-checks.js';
import type { Contract } from '../spec/load-contract.js';
import type { UnknownPromotions } from '../world/model.js';
import { checkScenarios } from './check-scenarios.js';
import { readScenarioFile } from './read-scenario-file.js';
import { type Scenario, ScenarioError, type ScenarioProblem } from './scenario.js';
import { ScenarioSet } from './scenario-set.js';

/** The scenarios shipped with the sandbox. */
export const DEFAULT_SCENARIOS_DIRECTORY = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const SCHEMA_FILE = 'scenario.schema.json';

export interface ReadFile {
  readonly scenario: Scenario;
  readonly document: YamlDocument;
  readonly lines: LineCounter;
}

/**
 * Loads and checks every `*.yaml` scenario of a folder: YAML, the JSON Schema, then everything
 * across files (operations and codes in the contract, magic values, the world). Any problem
 * fails the whole load with every problem found, so a broken set is never half-served.
 */
export async function loadScenarios(
  directory: string,
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
): Promise<ScenarioSet> {
  const schema = JSON.parse(await readFile(join(DEFAULT_SCENARIOS_DIRECTORY, SCHEMA_FILE), 'utf8')) as { $id: string };
  const validate = checks.ajv.getSchema(schema.$id) ?? checks.ajv.compile(schema);
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => ['.yaml', '.yml'].includes(extname(name))).sort();
  } catch (error) {
    throw new ScenarioError([{ file: directory, place: '', problem: `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  if (names.length === 0) throw new ScenarioError([{ file: directory, place: '', problem: 'no scenario files (*.yaml)' }]);

  const problems: ScenarioProblem[] = [];
  const files: ReadFile[] = [];
  for (const name of names) {
    const file = join(directory, name);
    const result = readScenarioFile(file, await readFile(file, 'utf8'), validate);
    if ('problems' in result) {
      problems.push(...result.problems);
      continue;
    }
    if (result.scenario.name !== basename(name, extname(name))) {
      problems.push({ file, place: '', problem: `the scenario is named "${result.scenario.name}"; name the file ${result.scenario.name}.yaml` });
    }
    files.push(result);
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  const { world, problems: crossProblems } = checkScenarios(files, contract, checks, unknownPromotions);
  if (crossProblems.length > 0) throw new ScenarioError(crossProblems);
  return new ScenarioSet(directory, files.map((file) => file.scenario), world);
}
