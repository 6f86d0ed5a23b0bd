// Run by `npm run build`, after tsc: stores what a start with the shipped contract and scenarios
// would derive from them, each keyed by the hashes of its sources (see the modules named).
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DEFAULT_CONFIG } from './config.js';
import { SuccessAnswers } from './outcome.js';
import { ScenarioError } from './scenarios/scenario.js';
import { SCENARIO_CACHE, scenariosKey, storeScenarios } from './scenarios/scenario-cache.js';
import type { ScenarioSet } from './scenarios/scenario-set.js';
import { checkScenarioFolder, DEFAULT_SCENARIOS_DIRECTORY, readScenarioFolder } from './scenarios/load-scenarios.js';
import { contentHash } from './spec/build-store.js';
import { storeContract } from './spec/contract-cache.js';
import { compileContractChecks } from './spec/contract-checks.js';
import { DEFAULT_CONTRACT_PATH, loadContract, readDocument } from './spec/load-contract.js';
import { ajvCompiler } from './spec/schema-compiler.js';
import { storeValidators } from './spec/stored-validators.js';
import { storeSuccesses } from './spec/success-cache.js';
import { UNKNOWN_PROMOTIONS, type UnknownPromotions } from './world/model.js';

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
