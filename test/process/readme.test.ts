import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AnySetting, flagOf, SETTING_NAMES, SETTINGS } from '../../src/settings/settings.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const CONTRACT_DOC = readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8');
const CI_DOC = readFileSync(new URL('../../docs/ci.md', import.meta.url), 'utf8');

describe("README's settings table", () => {
  const section = README.slice(README.indexOf('<!-- settings:start'), README.indexOf('<!-- settings:end'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `--'));

  it('sits under ## Settings', () => {
    expect(README.indexOf('## Settings')).toBeGreaterThan(-1);
    expect(README.indexOf('<!-- settings:start')).toBeGreaterThan(README.indexOf('## Settings'));
  });

  it.each(SETTING_NAMES)('has the row of %s: its flag, environment variables, default and meaning', (name) => {
    const setting: AnySetting = SETTINGS[name];
    const row = rows.find((line) => line.startsWith(`| \`${flagOf(name)} ${setting.argument}\` |`));
    expect(row, name).toBeDefined();
    expect(row).toContain(`| \`${setting.env}\``);
    if (setting.overridingEnv) expect(row).toContain(`(or \`${setting.overridingEnv}\`)`);
    if (setting.default !== undefined && !setting.defaultShown) expect(row).toContain(`| \`${String(setting.default)}\` |`);
    expect(row?.endsWith(`| ${setting.readme ?? setting.help} |`)).toBe(true);
  });

  it('has no row of a setting the sandbox does not have', () => {
    expect(rows).toHaveLength(SETTING_NAMES.length);
  });
});

describe('generated sections of the README, docs/ci.md and docs/contract.md', () => {
  it('are the ones made from the scenario files, the settings table, the recipe\'s test and the contract\'s x-sandbox-decision marks (npm run docs:readme)', async () => {
    const { generatedCiDoc, generatedContractDoc, generatedReadme } = await import('../../scripts/update-readme.js');
    expect(README).toBe(await generatedReadme(README));
    expect(CONTRACT_DOC).toBe(await generatedContractDoc(CONTRACT_DOC));
    expect(CI_DOC).toBe(generatedCiDoc(CI_DOC));
  });

  it('list every decision of the contract, and no decision the contract does not carry', async () => {
    const { loadContract } = await import('../../src/contract/load-contract.js');
    const { decisions } = await loadContract();
    const section = CONTRACT_DOC.slice(CONTRACT_DOC.indexOf('<!-- decisions:start'), CONTRACT_DOC.indexOf('<!-- decisions:end'));
    const listed = section.split('\n').filter((line) => line.startsWith('- '));
    expect(listed).toHaveLength(decisions.length);
    for (const { decision } of decisions) expect(section).toContain(decision);
  });
});
