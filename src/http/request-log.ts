import type { FastifyInstance } from 'fastify';

/**
 * One log line per request. Fastify's own request logging (two lines) is off; this line names
 * the operation and the answer's code. Headers are never logged, so credentials cannot leak.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url.slice(0, 300),
        operationId: request.routeOptions.config.operationId,
        statusCode: reply.statusCode,
        code: request.answerCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}
