import type { FastifyInstance } from 'fastify';

/** Whether the sandbox is closing: set once, before Fastify stops taking connections. */
export interface Closing {
  readonly now: boolean;
}

/**
 * While the sandbox closes, answers still in flight are sent with `Connection: close`, so a
 * keep-alive client lets go at once and the process can exit without waiting for idle timeouts.
 * The state is the app's; the header is set by the onSend hook of `registerClosingConnections`
 * on the sandbox's own routes, and before the answer leaves on the vendor's (call-hooks.ts).
 */
export function closingState(app: FastifyInstance): Closing {
  const state = { now: false };
  app.addHook('preClose', (done) => {
    state.now = true;
    done();
  });
  return state;
}

export function registerClosingConnections(app: FastifyInstance, closing: Closing): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing.now) reply.header('connection', 'close');
    done(null, payload);
  });
}
