import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sandboxOptions } from '../../src/config.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has a row in its settings table for every setting, with its environment variable', () => {
    for (const option of sandboxOptions()) {
      const row = README.split('\n').find((line) => line.startsWith(`| \`${option.long ?? ''} `));
      expect(row, option.long).toBeDefined();
      expect(row).toContain(`\`${option.envVar ?? ''}\``);
    }
  });
});
