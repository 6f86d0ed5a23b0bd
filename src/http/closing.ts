import type { FastifyInstance } from 'fastify';

/**
 * While the sandbox closes, answers still in flight are sent with `Connection: close`, so a
 * keep-alive client lets go at once and the process can exit without waiting for idle timeouts.
 */
export function registerClosingConnections(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
