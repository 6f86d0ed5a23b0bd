import { readFileSync } from 'node:fs';

/**
 * The version of the installed package, from its package.json, for `--version`. The file is two
 * folders up from this module wherever it runs: src/settings/ (tsx), dist/settings/ (tsc) and
 * dist/bundle/ (the bundled command), as the contract and the scenarios are found.
 */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}
