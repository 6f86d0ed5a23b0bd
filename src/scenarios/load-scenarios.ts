import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractChecks } from '../spec/contract-checks.js';
import type { Contract } from '../spec/load-contract.js';
import type { UnknownPromotions } from '../world/model.js';
import { type ReadFile, ScenarioError, type ScenarioProblem } from './scenario.js';
import { type FolderContents, SCENARIO_CACHE, scenariosKey, storedScenarioSet } from './scenario-cache.js';
import { ScenarioSet } from './scenario-set.js';

/** The scenarios shipped with the sandbox. */
export const DEFAULT_SCENARIOS_DIRECTORY = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const SCHEMA_FILE = 'scenario.schema.json';


/**
 * Loads and checks every `*.yaml` scenario of a folder: YAML, the JSON Schema, then everything
 * across files (operations and codes in the contract, magic values, the world). Any problem
 * fails the whole load with every problem found, so a broken set is never half-served.
 * The shipped folder, unchanged, is taken as checked at build (scenario-cache.ts).
 */
export async function loadScenarios(
  directory: string,
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
  cacheFile = SCENARIO_CACHE,
): Promise<ScenarioSet> {
  const contents = await readScenarioFolder(directory);
  if (resolve(directory) === resolve(DEFAULT_SCENARIOS_DIRECTORY)) {
    const stored = storedScenarioSet(scenariosKey(contract, contents), unknownPromotions, directory, cacheFile);
    if (stored) return stored;
  }
  return checkScenarioFolder(directory, contents, contract, checks, unknownPromotions);
}

/** The scenario schema (always the shipped one) and the folder's `*.yaml` files, by name. */
export async function readScenarioFolder(directory: string): Promise<FolderContents> {
  const schemaText = await readFile(join(DEFAULT_SCENARIOS_DIRECTORY, SCHEMA_FILE), 'utf8');
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => ['.yaml', '.yml'].includes(extname(name))).sort();
  } catch (error) {
    throw new ScenarioError([{ file: directory, place: '', problem: `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  if (names.length === 0) throw new ScenarioError([{ file: directory, place: '', problem: 'no scenario files (*.yaml)' }]);
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(directory, name), 'utf8') })));
  return { schemaText, files };
}

/** The check itself; the YAML library and the checks load here, on first use. */
export async function checkScenarioFolder(
  directory: string,
  contents: FolderContents,
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
): Promise<ScenarioSet> {
  const [{ placeOf, readScenarioFile }, { checkScenarios }] = await Promise.all([import('./read-scenario-file.js'), import('./check-scenarios.js')]);
  const validate = checks.compile(JSON.parse(contents.schemaText) as object);
  const problems: ScenarioProblem[] = [];
  const files: ReadFile[] = [];
  let allRead = true;
  for (const { name, text } of contents.files) {
    const file = join(directory, name);
    const result = readScenarioFile(file, text, validate);
    if ('problems' in result) {
      problems.push(...result.problems);
      allRead = false;
      continue;
    }
    if (result.scenario.name !== basename(name, extname(name))) {
      const place = placeOf(result.document, result.lines, ['name']);
      problems.push({ file, place, problem: `the scenario is named "${result.scenario.name}"; name the file ${result.scenario.name}.yaml` });
    }
    files.push(result);
  }
  // The checks across files need every file read; a misnamed file is read, so its other problems
  // (and the other files') come with its name's, at once.
  if (!allRead) throw new ScenarioError(problems);
  const { world, problems: crossProblems } = checkScenarios(files, contract, checks, unknownPromotions);
  problems.push(...crossProblems);
  if (problems.length > 0) throw new ScenarioError(problems);
  return new ScenarioSet(directory, files.map((file) => file.scenario), world);
}
