// The README's Testcontainers recipe is the code test/docker/testcontainers.test.ts runs: its
// imports of testcontainers and vitest, then the lines between `// recipe:start` and
// `// recipe:end`, unindented. `npm run docs:readme` writes them into the README.
import { readFileSync } from 'node:fs';

export const RECIPE_TEST = new URL('../test/docker/testcontainers.test.ts', import.meta.url);

/** The recipe as a fenced TypeScript block, from the test file's text. */
export function testcontainersRecipe(test: string = readFileSync(RECIPE_TEST, 'utf8')): string {
  const lines = test.split('\n');
  const imports = lines.filter((line) => /^import .* from '(testcontainers|vitest)';$/.test(line));
  const from = lines.findIndex((line) => line.trim() === '// recipe:start');
  const to = lines.findIndex((line) => line.trim() === '// recipe:end');
  if (imports.length !== 2 || from === -1 || to < from) {
    throw new Error(`${RECIPE_TEST.pathname}: the recipe needs its imports of testcontainers and vitest, and the lines // recipe:start … // recipe:end`);
  }
  const body = lines.slice(from + 1, to);
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return ['```ts', ...imports, '', ...body.map((line) => line.slice(indent)), '```'].join('\n');
}
