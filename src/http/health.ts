import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import type { BuiltInHandlers } from './api-routes.js';
import { sendAnswer, sendCatalogueError } from './envelope.js';
import type { Readiness } from '../world/store-health.js';

/** Whether the sandbox can serve API calls now; a store that is down makes it not ready. */
export type ReadinessCheck = () => Readiness;

export function healthHandlers(catalogue: Catalogue, readiness: ReadinessCheck): BuiltInHandlers {
  const notReady = catalogue.get(REQUIRED_KEYS.notReady);
  return {
    getHealth: async (_call, reply) => sendAnswer(reply, 200, { data: { status: 'ok' }, errors: [] }),
    getReadiness: async (_call, reply) => {
      const state = readiness();
      return state.ready
        ? sendAnswer(reply, 200, { data: { status: 'ready' }, errors: [] })
        : sendCatalogueError(reply, notReady, `${notReady.message} ${state.reason}`);
    },
  };
}
