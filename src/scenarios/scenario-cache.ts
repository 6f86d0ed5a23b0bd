import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, readStored, writeStored } from '../contract/build-store.js';
import type { Contract } from '../contract/load-contract.js';
import type { UnknownPromotions, WorldSetup } from '../world/model.js';
import type { Scenario } from './scenario.js';
import { ScenarioSet } from './scenario-set.js';

/**
 * The build (`npm run build`) checks the shipped scenarios against the shipped contract, as a
 * start does, and stores the result beside the compiled code: parsing 19 YAML files and checking
 * them (and loading the YAML library) is a tenth of the start-up time. It is keyed by everything
 * the check reads besides the code: the contract's YAML, the scenario schema and every file's
 * name and text. The shipped folder alone uses it whole; a union with a folder of one's own takes
 * only what each shipped file says (storedScenarios) and checks the union across files itself.
 */
export const SCENARIO_CACHE = fileURLToPath(new URL('../scenario-cache.json', import.meta.url));

/** What a folder's scenarios are read from. */
export interface FolderContents {
  readonly schemaText: string;
  /** Each `*.yaml` file: its name in the folder and its text, by name. */
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

interface StoredScenarios {
  readonly key: string;
  /** The `--unknown-promotions` modes under which the check found no problem. */
  readonly validFor: readonly UnknownPromotions[];
  /** Each scenario with `file` relative to the folder: the package is installed anywhere. */
  readonly scenarios: readonly Scenario[];
  readonly world: WorldSetup;
}

export function scenariosKey(contract: Contract, contents: FolderContents): string {
  return contentHash(JSON.stringify([contract.sourceHash, contents.schemaText, contents.files.map(({ name, text }) => [name, text])]));
}

/** Stores a checked set, valid under the modes `validFor`. */
export function storeScenarios(key: string, set: ScenarioSet, validFor: readonly UnknownPromotions[], file = SCENARIO_CACHE): void {
  const stored: StoredScenarios = {
    key,
    validFor,
    scenarios: set.scenarios.map((scenario) => ({ ...scenario, file: basename(scenario.file) })),
    world: set.world,
  };
  writeStored(file, stored);
}

/** The stored set for `key`, as loaded from `directory`, if it was found valid under this mode. */
export function storedScenarioSet(key: string, unknownPromotions: UnknownPromotions, directory: string, file = SCENARIO_CACHE): ScenarioSet | undefined {
  const stored = readStored<StoredScenarios>(file);
  if (!stored || stored.key !== key || !stored.validFor?.includes(unknownPromotions) || !stored.scenarios || !stored.world) return undefined;
  return new ScenarioSet(scenariosIn(stored.scenarios, directory), stored.world);
}

/**
 * The stored scenarios for `key`, each as its file reads, under any mode: what one file says does
 * not depend on the mode, only the checks across files do. A union with a folder of one's own
 * takes the shipped files' scenarios from here and checks the union itself.
 */
export function storedScenarios(key: string, directory: string, file = SCENARIO_CACHE): Scenario[] | undefined {
  const stored = readStored<StoredScenarios>(file);
  return stored?.key === key && stored.scenarios ? scenariosIn(stored.scenarios, directory) : undefined;
}

function scenariosIn(stored: StoredScenarios['scenarios'], directory: string): Scenario[] {
  // Field by field: JSON drops the keys whose value is undefined.
  return stored.map((scenario): Scenario => ({
    name: scenario.name,
    description: scenario.description,
    operations: scenario.operations,
    code: scenario.code,
    world: scenario.world,
    magic: scenario.magic,
    forced: scenario.forced,
    file: join(directory, scenario.file),
    // Only the shipped folder is stored.
    source: 'shipped',
  }));
}
