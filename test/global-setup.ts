import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { watchLeftovers } from './helpers/leftover-processes.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** How long a process a test stopped may take to go, before it counts as left behind. */
const SETTLE_MS = 5_000;

/**
 * Once before the tests: `npm run build`, so that every process-level test runs `dist/cli.js`,
 * the file `npm start`, `npx promotions-sandbox`, the package and the image run, built from the
 * sources under test. No test builds again (a build replaces dist/bundle under running commands).
 *
 * After them: the run fails if a test left a redis-server or a sandbox process running (Linux,
 * from /proc); those are then stopped, so that the next run starts clean.
 */
export default function setup(): () => Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync('/proc/self/stat')) return () => Promise.resolve();
  const watch = watchLeftovers(ROOT);
  return async () => {
    const deadline = performance.now() + SETTLE_MS;
    let leftovers = watch.leftovers();
    while (leftovers.length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      leftovers = watch.leftovers();
    }
    if (leftovers.length === 0) return;
    for (const { pid } of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    // Vitest reports an error of a teardown but does not fail the run for it.
    process.exitCode = 1;
    throw new Error(
      `tests left ${leftovers.length} process(es) running (now stopped with SIGKILL):\n${leftovers.map(({ pid, what, why }) => `  pid ${pid}: ${what}, ${why}`).join('\n')}`,
    );
  };
}
