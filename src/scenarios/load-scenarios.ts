import { readFile, readdir, realpath } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { Contract } from '../contract/load-contract.js';
import type { UnknownPromotions } from '../world/model.js';
import { type ReadFile, type Scenario, ScenarioError, type ScenarioProblem } from './scenario.js';
import { type FolderContents, SCENARIO_CACHE, scenariosKey, storedScenarios, storedScenarioSet } from './scenario-cache.js';
import { ScenarioSet } from './scenario-set.js';
import { readScenarioText } from './read-scenario-text.js';
import { scenarioUnion, type SourceFile, sourceFiles } from './scenario-union.js';

/** The scenarios shipped with the sandbox. */
export const DEFAULT_SCENARIOS_DIRECTORY = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const SCHEMA_FILE = 'scenario.schema.json';


/** Options of a load beyond the folder. */
export interface LoadOptions {
  /** The folder alone, without the shipped scenarios (`--only-own-scenarios`). */
  readonly onlyOwn?: boolean;
  /** Where the build stored the shipped folder's check (tests give another). */
  readonly cacheFile?: string;
}

/**
 * Loads and checks the scenarios in force: the shipped folder's, with a folder of one's own
 * (`directory`) added to them, its files replacing the shipped scenarios they are named after
 * (scenario-union.ts), or, with `onlyOwn`, that folder alone. Every `*.yaml` file of the union is
 * checked: YAML, the JSON Schema, then everything across files (operations and codes in the
 * contract, magic values, the world, which the files of the union make together). Any problem
 * fails the whole load with every problem found, so a broken set is never half-served.
 * The shipped folder alone, unchanged, is taken as checked at build (scenario-cache.ts). A union
 * is always checked across files, since the files of one's own change what the shipped ones are
 * checked against; only what each unchanged shipped file says is taken from the build.
 */
export async function loadScenarios(
  directory: string,
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
  { onlyOwn = false, cacheFile = SCENARIO_CACHE }: LoadOptions = {},
): Promise<ScenarioSet> {
  if (isShippedFolder(directory)) {
    if (ownFolderMissing(directory, onlyOwn)) throw new Error(ONLY_OWN_WITHOUT_A_FOLDER);
    const contents = await readScenarioFolder(directory);
    const stored = storedScenarioSet(scenariosKey(contract, contents), unknownPromotions, directory, cacheFile);
    if (stored) return stored;
    return checkScenarioFolder(directory, contents, contract, checks, unknownPromotions);
  }
  const own = await readScenarioFolder(directory);
  if (onlyOwn) return checkScenarioFiles(own.schemaText, sourceFiles(directory, own.files, 'own'), [], contract, checks, unknownPromotions);
  const shipped = await readScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY);
  const { files, replaced } = scenarioUnion({ directory: DEFAULT_SCENARIOS_DIRECTORY, files: shipped.files }, { directory, files: own.files });
  const stored = storedScenarios(scenariosKey(contract, shipped), DEFAULT_SCENARIOS_DIRECTORY, cacheFile) ?? [];
  return checkScenarioFiles(own.schemaText, files, replaced, contract, checks, unknownPromotions, new Map(stored.map((scenario) => [scenario.file, scenario])));
}

/**
 * The one rule of the own scenarios alone: they need a folder of one's own. The command words
 * the refusal here (start and validate), startSandbox in its options' words (start-options.ts).
 */
export function ownFolderMissing(directory: string, onlyOwn: boolean): boolean {
  return onlyOwn && isShippedFolder(directory);
}

const ONLY_OWN_WITHOUT_A_FOLDER =
  '--only-own-scenarios needs a folder of your own, given with --scenarios <dir> (SANDBOX_SCENARIOS): without one, the shipped scenarios are the only ones';

function isShippedFolder(directory: string): boolean {
  return resolve(directory) === resolve(DEFAULT_SCENARIOS_DIRECTORY);
}

/**
 * The scenario schema (always the shipped one) and the folder's `*.yaml` files, by name. A file
 * that is not read (read-scenario-text.ts: not a regular file, a link out of the folder, too
 * large) fails the load with one line each, before any file is parsed.
 */
export async function readScenarioFolder(directory: string): Promise<FolderContents> {
  const schemaText = await readFile(join(DEFAULT_SCENARIOS_DIRECTORY, SCHEMA_FILE), 'utf8');
  let names: string[];
  let folder: string;
  try {
    names = (await readdir(directory)).filter((name) => ['.yaml', '.yml'].includes(extname(name))).sort();
    folder = await realpath(directory);
  } catch (error) {
    throw new ScenarioError([{ file: directory, place: '', problem: `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  if (names.length === 0) throw new ScenarioError([{ file: directory, place: '', problem: 'no scenario files (*.yaml)' }]);
  const texts = await Promise.all(names.map(async (name) => ({ name, read: await readScenarioText(folder, join(directory, name)) })));
  const files: { name: string; text: string }[] = [];
  const refused: ScenarioProblem[] = [];
  for (const { name, read } of texts) {
    if ('refused' in read) refused.push({ file: join(directory, name), place: '', problem: read.refused });
    else files.push({ name, text: read.text });
  }
  if (refused.length > 0) throw new ScenarioError(refused);
  return { schemaText, files };
}

/** The check of one folder's files alone (the build checks the shipped folder so). */
export async function checkScenarioFolder(
  directory: string,
  contents: FolderContents,
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
): Promise<ScenarioSet> {
  const files = sourceFiles(directory, contents.files, isShippedFolder(directory) ? 'shipped' : 'own');
  return checkScenarioFiles(contents.schemaText, files, [], contract, checks, unknownPromotions);
}

/** The check itself; the YAML library and the checks load here, on first use. */
async function checkScenarioFiles(
  schemaText: string,
  sources: readonly SourceFile[],
  replaced: readonly string[],
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
  stored: ReadonlyMap<string, Scenario> = new Map(),
): Promise<ScenarioSet> {
  const [{ nameProblem, readScenarioFile, storedFile }, { checkScenarios }] = await Promise.all([import('./read-scenario-file.js'), import('./check-scenarios.js')]);
  const validate = checks.compile(JSON.parse(schemaText) as object);
  const problems: ScenarioProblem[] = [];
  const files: ReadFile[] = [];
  let allRead = true;
  for (const { file, text, source } of sources) {
    // A shipped file the build read already (under this key) is not parsed again, unless a problem is found in it.
    const known = source === 'shipped' ? stored.get(file) : undefined;
    const result = known ? storedFile(known, text) : readScenarioFile(file, text, validate, source);
    if ('problems' in result) {
      problems.push(...result.problems);
      allRead = false;
      continue;
    }
    const misnamed = nameProblem(file, result.scenario.name, result.place);
    if (misnamed) problems.push(misnamed);
    files.push(result);
  }
  // The checks across files need every file read; a misnamed file is read, so its other problems
  // (and the other files') come with its name's, at once; one its schema refuses says its name's
  // beside those (read-scenario-file.ts).
  if (!allRead) throw new ScenarioError(problems);
  const { world, problems: crossProblems } = checkScenarios(files, contract, checks, unknownPromotions);
  problems.push(...crossProblems);
  if (problems.length > 0) throw new ScenarioError(problems);
  return new ScenarioSet(files.map((file) => file.scenario), world, replaced);
}
