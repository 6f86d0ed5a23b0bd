import { describe } from 'vitest';

/**
 * Runs a suite only when a real component it needs is present. On a developer's machine a missing
 * component skips with one line naming what to install; in CI (`SANDBOX_REQUIRE_COMPONENTS=1`,
 * set by .ci/run) a missing component fails instead, so CI never skips silently.
 */
export function describeWith(component: string, present: boolean, install: string, name: string, suite: () => void): void {
  if (!present && process.env.SANDBOX_REQUIRE_COMPONENTS === '1') {
    throw new Error(`${component} is required in CI but missing (${install})`);
  }
  if (!present) console.warn(`skipping "${name}": ${component} is not installed (${install})`);
  describe.skipIf(!present)(name, suite);
}
