import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/** A real component a suite needs: whether it is here, what is absent if not, and how to get it. */
export interface Need {
  readonly present: boolean;
  /** What is absent, as the skip line says it: `redis-server is not installed`, `REDIS_URL is not set`. */
  readonly absent: string;
  readonly remedy: string;
}

/** Whether a program runs here: found on PATH and exits 0 with these arguments (its `--version`, say). */
export function runs(program: string, args: readonly string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A program on PATH (or at a path). */
export function installed(program: string, present: boolean, install: string): Need {
  return { present, absent: `${program} is not installed`, remedy: install };
}

/** A variable that points the tests at a component (a Redis to flush, a cluster's seeds): set or not. */
export function variableSet(variable: string, purpose: string, howTo: string): Need {
  return { present: process.env[variable] !== undefined && process.env[variable] !== '', absent: `${variable} is not set (${purpose})`, remedy: howTo };
}

/** A service that must answer (a Docker engine): a program may be installed and its daemon down. */
export function answering(service: string, present: boolean, remedy: string): Need {
  return { present, absent: `${service} does not answer`, remedy };
}

/** The line a skipped suite prints: what is absent, and how to get it. */
export function skipLine(need: Need, name: string): string {
  return `skipping "${name}": ${need.absent}; ${need.remedy}`;
}

/**
 * Runs a suite only when a real component it needs is present. On a developer's machine a missing
 * component skips with one line naming what is absent (a program, or a variable to set) and how
 * to get it; in CI (`SANDBOX_REQUIRE_COMPONENTS=1`, set by .ci/run) it fails instead, so CI never
 * skips silently.
 */
export function describeWith(need: Need, name: string, suite: () => void): void {
  if (!need.present && process.env.SANDBOX_REQUIRE_COMPONENTS === '1') {
    throw new Error(`required in CI: ${need.absent}; ${need.remedy}`);
  }
  if (!need.present) console.warn(skipLine(need, name));
  describe.skipIf(!need.present)(name, suite);
}
