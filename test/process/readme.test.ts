import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sandboxOptions } from '../../src/settings/command-line.js';

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

describe('README generated sections', () => {
  it('are the ones made from the scenario files and the contract\'s x-sandbox-decision marks (npm run docs:readme)', async () => {
    const { generatedReadme } = await import('../../scripts/update-readme.js');
    expect(README).toBe(await generatedReadme(README));
  });

  it('list every decision of the contract, and no decision the contract does not carry', async () => {
    const { loadContract } = await import('../../src/spec/load-contract.js');
    const { decisions } = await loadContract();
    const section = README.slice(README.indexOf('<!-- decisions:start'), README.indexOf('<!-- decisions:end'));
    const listed = section.split('\n').filter((line) => line.startsWith('- '));
    expect(listed).toHaveLength(decisions.length);
    for (const { decision } of decisions) expect(section).toContain(decision);
  });
});
