import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// npm 11 prints a block on every install for each dependency whose install script package.json's
// `allowScripts` does not decide (npm 12 will skip those scripts). Every one is decided, so an
// install prints none, and a new one fails here until someone reviews it
// (`npm install-scripts approve <pkg>` or `deny <pkg>`: docs/architecture.md).
const read = (path: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8'));

describe('install scripts', () => {
  const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
  const withScripts = Object.entries(lock.packages).filter(([, entry]) => entry.hasInstallScript);
  const names = withScripts.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it("each dependency with an install script is decided in package.json's allowScripts, and nothing else is", () => {
    const { allowScripts = {} } = read('package.json') as { allowScripts?: Record<string, boolean> };
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(names)].sort());
  });

  it('none is a dependency of the package itself: a user who installs it meets no such block for it', () => {
    expect(withScripts.filter(([, entry]) => entry.dev !== true).map(([path]) => path)).toEqual([]);
  });
});
