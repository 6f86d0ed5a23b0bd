import { type Catalogue, REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer, sendCatalogueError } from '../envelope.js';
import type { Readiness } from '../../world/store-health.js';

/** Whether the sandbox can serve API calls now; a store that is down makes it not ready. */
export type ReadinessCheck = () => Readiness;

/** Where the state is kept, as /readyz says it (the contract's HealthEnvelope). */
export type StoreKind = 'memory' | 'redis' | 'redis-cluster';

export function healthHandlers(catalogue: Catalogue, readiness: ReadinessCheck, store: StoreKind): BuiltInHandlers {
  const notReady = catalogue.get(REQUIRED_KEYS.notReady);
  return {
    getHealth: async (_call, reply) => sendAnswer(reply, 200, { data: { status: 'ok' }, errors: [] }),
    getReadiness: async (_call, reply) => {
      const state = readiness();
      return state.ready
        ? sendAnswer(reply, 200, { data: { status: 'ready', store }, errors: [] })
        : sendCatalogueError(reply, notReady, `${notReady.message} ${state.reason}`);
    },
  };
}
