import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sandboxOptions } from '../../src/config.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has a row in its settings table for every setting, with its environment variable', () => {
    for (const option of sandboxOptions()) {
      const settings = README.slice(README.indexOf('## Settings'));
      const row = settings.split('\n').find((line) => line.startsWith(`| \`${option.long ?? ''} `));
      expect(row, option.long).toBeDefined();
      expect(row).toContain(`\`${option.envVar ?? ''}\``);
    }
  });
});

describe('README scenario table', () => {
  it('is the one generated from the scenario files (npm run docs:readme)', async () => {
    const { withScenarioTable } = await import('../../scripts/update-readme.js');
    const { scenarioTable } = await import('../../src/scenarios/scenario-table.js');
    const { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios } = await import('../../src/scenarios/load-scenarios.js');
    const { compileContractChecks } = await import('../../src/spec/contract-checks.js');
    const { loadContract } = await import('../../src/spec/load-contract.js');
    const contract = await loadContract();
    const set = await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, compileContractChecks(contract), 'active');
    expect(README).toBe(withScenarioTable(README, scenarioTable(set)));
  });
});
