import { type FSWatcher, watch } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { formatProblem, ScenarioError } from './scenario.js';
import type { ScenarioSet } from './scenario-set.js';

/** Edits come in bursts (an editor writes, renames, touches): load once they settle. */
const SETTLE_MS = 150;

/**
 * Reloads the scenario folder when a file in it changes. A good set replaces the one in force
 * at once; a broken one is logged with every problem and the last good set keeps serving.
 */
export function watchScenarios(
  directory: string,
  load: () => Promise<ScenarioSet>,
  use: (set: ScenarioSet) => void,
  log: FastifyBaseLogger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let loading = Promise.resolve();
  const reload = (): void => {
    loading = loading.then(async () => {
      try {
        const set = await load();
        use(set);
        log.info({ scenarios: set.scenarios.length, directory }, 'scenarios reloaded');
      } catch (error) {
        const problems = error instanceof ScenarioError ? error.problems.map(formatProblem) : [(error as Error).message];
        log.error({ problems, directory }, 'scenario files are broken; the last good set keeps serving');
      }
    });
  };
  const watcher: FSWatcher = watch(directory, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  });
  watcher.on('error', (error) => log.error({ err: error, directory }, 'watching the scenarios stopped'));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
