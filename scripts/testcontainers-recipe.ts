// The Testcontainers recipe of docs/ci.md is the code test/docker/testcontainers.test.ts runs:
// the lines between each `// recipe:start` and the next `// recipe:end` (its imports, then its
// hooks and tests), unindented, one blank line between parts. `npm run docs:readme` writes them
// into docs/ci.md.
import { readFileSync } from 'node:fs';

export const RECIPE_TEST = new URL('../test/docker/testcontainers.test.ts', import.meta.url);

/** The recipe as a fenced TypeScript block, from the test file's text. */
export function testcontainersRecipe(test: string = readFileSync(RECIPE_TEST, 'utf8')): string {
  const parts: string[][] = [];
  let part: string[] | undefined;
  for (const line of test.split('\n')) {
    if (line.trim() === '// recipe:start') part = [];
    else if (line.trim() === '// recipe:end' && part) [parts[parts.length], part] = [part, undefined];
    else part?.push(line);
  }
  if (parts.length === 0 || part) throw new Error(`${RECIPE_TEST.pathname}: the recipe needs its lines between // recipe:start and // recipe:end`);
  const unindented = parts.map((lines) => {
    const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
    return lines.map((line) => line.slice(indent)).join('\n');
  });
  return ['```ts', unindented.join('\n\n'), '```'].join('\n');
}
