import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-cap-requestid';

/** Request ids are ours, never taken from the caller (a client could otherwise forge log lines). */
export const generateRequestId = (): string => randomUUID();

/**
 * Every answer carries `X-Cap-Requestid`, as the vendor's do; errors and 404s included. The
 * vendor's routes set it in their first step instead (call-hooks.ts).
 */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
