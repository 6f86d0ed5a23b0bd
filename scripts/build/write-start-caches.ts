// Run by `npm run build` (with tsx), after tsc: stores what a start with the shipped contract and scenarios
// would derive from them, each keyed by the hashes of its sources (see the modules named).
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ScenarioSet } from '../../src/scenarios/scenario-set.js';
import type { UnknownPromotions } from '../../src/world/model.js';

// The modules tsc just wrote to dist/, typed as their sources: each names its cache relative to
// itself, so the caches land in dist/, where the built sandbox reads them.
const fromDist = async <Module>(path: string): Promise<Module> => (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as Module;
const { DEFAULT_CONFIG } = await fromDist<typeof import('../../src/config.js')>('config.js');
const { SuccessAnswers } = await fromDist<typeof import('../../src/contract/success-answers.js')>('contract/success-answers.js');
const { ScenarioError } = await fromDist<typeof import('../../src/scenarios/scenario.js')>('scenarios/scenario.js');
const { SCENARIO_CACHE, scenariosKey, storeScenarios } = await fromDist<typeof import('../../src/scenarios/scenario-cache.js')>('scenarios/scenario-cache.js');
const { checkScenarioFolder, DEFAULT_SCENARIOS_DIRECTORY, readScenarioFolder } = await fromDist<typeof import('../../src/scenarios/load-scenarios.js')>('scenarios/load-scenarios.js');
const { contentHash } = await fromDist<typeof import('../../src/contract/build-store.js')>('contract/build-store.js');
const { storeContract } = await fromDist<typeof import('../../src/contract/contract-cache.js')>('contract/contract-cache.js');
const { compileContractChecks } = await fromDist<typeof import('../../src/contract/contract-checks.js')>('contract/contract-checks.js');
const { DEFAULT_CONTRACT_PATH, loadContract, readDocument } = await fromDist<typeof import('../../src/contract/load-contract.js')>('contract/load-contract.js');
const { ajvCompiler } = await fromDist<typeof import('../../src/contract/schema-compiler.js')>('contract/schema-compiler.js');
const { storeValidators } = await fromDist<typeof import('../../src/contract/stored-validators.js')>('contract/stored-validators.js');
const { storeSuccesses } = await fromDist<typeof import('../../src/contract/success-cache.js')>('contract/success-cache.js');
const { UNKNOWN_PROMOTIONS } = await fromDist<typeof import('../../src/world/model.js')>('world/model.js');

// 1. The contract, parsed and resolved; then loaded from the cache, as a start does.
const text = await readFile(DEFAULT_CONTRACT_PATH, 'utf8');
storeContract(contentHash(text), await readDocument(DEFAULT_CONTRACT_PATH, text));
const contract = await loadContract(DEFAULT_CONTRACT_PATH);

// 2. The scenarios, checked under every --unknown-promotions mode, with Ajv; every schema compiled
// on the way (the contract's and the scenario schema) is recorded for 3.
const schemas = new Set<object>();
const compile = ajvCompiler(contract.dereferenced);
const checks = compileContractChecks(contract, (schema) => {
  schemas.add(schema);
  return compile(schema);
});
const contents = await readScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY);
let checked: ScenarioSet | undefined;
const validFor: UnknownPromotions[] = [];
for (const mode of UNKNOWN_PROMOTIONS) {
  try {
    checked = await checkScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY, contents, contract, checks, mode);
    validFor.push(mode);
  } catch (error) {
    // A start under that mode checks the files again, and reports their problems.
    if (!(error instanceof ScenarioError)) throw error;
  }
}
if (checked) storeScenarios(scenariosKey(contract, contents), checked, validFor);
// Valid under no mode: no cache, so that one from an earlier build cannot stand in for them.
else rmSync(SCENARIO_CACHE, { force: true });

// 3. The validators' code.
storeValidators(contract, schemas);

// 4. The documented successes, with the default seed.
storeSuccesses(contract.sourceHash, DEFAULT_CONFIG.seed, (await SuccessAnswers.generate(contract, DEFAULT_CONFIG.seed)).answers);
