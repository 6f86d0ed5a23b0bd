// The shipped scenarios, checked at build and stored: the stored set is the checked one, and it
// stands in only for the unchanged shipped folder under a mode it was found valid under.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkScenarioFolder, DEFAULT_SCENARIOS_DIRECTORY, loadScenarios, readScenarioFolder } from '../../src/scenarios/load-scenarios.js';
import { scenariosKey, storeScenarios } from '../../src/scenarios/scenario-cache.js';
import { ScenarioError } from '../../src/scenarios/scenario.js';
import { ScenarioSet } from '../../src/scenarios/scenario-set.js';
import { compileContractChecks, type ContractChecks } from '../../src/contract/contract-checks.js';
import type { Contract } from '../../src/contract/load-contract.js';
import { theContract } from '../helpers/sandbox.js';

const folder = mkdtempSync(join(tmpdir(), 'scenario-cache-'));
const cacheFile = () => join(folder, `scenarios-${Math.random().toString(36).slice(2)}.json`);

describe('the stored scenarios', () => {
  let contract: Contract;
  let checks: ContractChecks;
  let checked: ScenarioSet;
  let key: string;

  beforeAll(async () => {
    contract = await theContract();
    checks = compileContractChecks(contract);
    const contents = await readScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY);
    checked = await checkScenarioFolder(DEFAULT_SCENARIOS_DIRECTORY, contents, contract, checks, 'active');
    key = scenariosKey(contract, contents);
  });

  /** A cache of the shipped set whose descriptions say they came from the cache. */
  function doctored(storedKey: string, validFor: ('active' | 'not-found')[] = ['active', 'not-found']): string {
    const file = cacheFile();
    const marked = new ScenarioSet(checked.scenarios.map((scenario) => ({ ...scenario, description: 'from the cache' })), checked.world);
    storeScenarios(storedKey, marked, validFor, file);
    return file;
  }
  const descriptionsOf = (set: ScenarioSet) => new Set(set.scenarios.map((scenario) => scenario.description));

  it('is the set the check gives, for every lookup', async () => {
    const file = cacheFile();
    storeScenarios(key, checked, ['active'], file);
    const stored = await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, checks, 'active', { cacheFile: file });
    expect(stored).not.toBe(checked);
    expect(stored.scenarios).toStrictEqual(checked.scenarios);
    expect(stored.world).toStrictEqual(checked.world);
    for (const scenario of checked.scenarios) {
      expect(stored.byName(scenario.name)).toStrictEqual(scenario);
      for (const operationId of scenario.operations) {
        expect(stored.forOperation(operationId)).toStrictEqual(checked.forOperation(operationId));
        if (scenario.code !== undefined) expect(stored.preferred(operationId, scenario.code)).toStrictEqual(checked.preferred(operationId, scenario.code));
        expect(stored.matchMagic(operationId, scenario.magic)).toStrictEqual(checked.matchMagic(operationId, scenario.magic));
      }
    }
  });

  it('is used for the unchanged shipped folder', async () => {
    expect(descriptionsOf(await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, checks, 'active', { cacheFile: doctored(key) }))).toEqual(new Set(['from the cache']));
  });

  it('is not used once a file, the schema or the contract changed (another key)', async () => {
    expect(descriptionsOf(await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, checks, 'active', { cacheFile: doctored(`${key}0`) }))).not.toContain('from the cache');
  });

  it('is not used under a mode it was not found valid under', async () => {
    expect(descriptionsOf(await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, checks, 'not-found', { cacheFile: doctored(key, ['active']) }))).not.toContain('from the cache');
  });

  it('is not used for a folder of ones own, even with the same files', async () => {
    const own = join(folder, 'own');
    cpSync(DEFAULT_SCENARIOS_DIRECTORY, own, { recursive: true });
    expect(scenariosKey(contract, await readScenarioFolder(own))).toBe(key);
    expect(descriptionsOf(await loadScenarios(own, contract, checks, 'active', { cacheFile: doctored(key) }))).not.toContain('from the cache');
  });

  describe('in a union with a folder of ones own', () => {
    const ownFolder = (name: string, text: string): string => {
      const own = join(folder, name);
      mkdirSync(own);
      writeFileSync(join(own, `${name}.yaml`), text);
      return own;
    };
    const outage = 'name: own-outage\ndescription: ours\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: {}\n';

    it('gives what each unchanged shipped file says, under any mode, and the union is checked whole', async () => {
      const own = ownFolder('own-outage', outage);
      const union = await loadScenarios(own, contract, checks, 'not-found', { cacheFile: doctored(key, ['active']) });
      expect(union.scenarios).toHaveLength(checked.scenarios.length + 1);
      expect(descriptionsOf(union)).toEqual(new Set(['from the cache', 'ours']));
      expect(union.byName('open-cart')).toMatchObject({ source: 'shipped', file: join(DEFAULT_SCENARIOS_DIRECTORY, 'open-cart.yaml') });
    });

    it('is not used once a shipped file, the schema or the contract changed (another key)', async () => {
      const own = ownFolder('own-outage-2', outage.replace('own-outage', 'own-outage-2'));
      expect(descriptionsOf(await loadScenarios(own, contract, checks, 'active', { cacheFile: doctored(`${key}0`) }))).not.toContain('from the cache');
    });

    it('a clash with a shipped file it gives is found, placed in the shipped file too', async () => {
      // A promotion the shipped promotion-not-found says is absent: the problem is the shipped file's.
      const own = ownFolder('found-after-all', "name: found-after-all\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\nworld:\n  promotions:\n    - { id: '000000000000000000000404' }\n");
      const error = await loadScenarios(own, contract, checks, 'active', { cacheFile: doctored(key) }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ScenarioError);
      const shipped = join(DEFAULT_SCENARIOS_DIRECTORY, 'promotion-not-found.yaml');
      const mine = join(own, 'found-after-all.yaml');
      const answered = (operationId: string) =>
        `on ${operationId}, the world answers the magic values with 200, not 404 (promotion 000000000000000000000404 is defined in ${mine}): set up the world so that they get 404, or force the answer`;
      expect((error as ScenarioError).problems).toEqual([
        { file: shipped, place: '9:22 /world/absentPromotions/0', problem: `promotion 000000000000000000000404 is both absent here and defined in ${mine}` },
        { file: shipped, place: '11:3 /magic', problem: answered('deactivatePromotionForCustomer') },
        { file: shipped, place: '11:3 /magic', problem: answered('deactivatePromotionGlobally') },
      ]);
    });
  });

  it('a changed file changes the key', async () => {
    const own = join(folder, 'changed');
    cpSync(DEFAULT_SCENARIOS_DIRECTORY, own, { recursive: true });
    writeFileSync(join(own, 'open-cart.yaml'), `${(await readScenarioFolder(own)).files.find((entry) => entry.name === 'open-cart.yaml')?.text ?? ''}\n`);
    expect(scenariosKey(contract, await readScenarioFolder(own))).not.toBe(key);
  });
});
