import type { FastifyInstance } from 'fastify';
import type { LogLevel } from '../log-levels.js';

/** Whether a level shows the line per request (a debug line): a level added to LOG_LEVELS must say. */
const SHOWS_REQUEST_LINES = {
  fatal: false,
  error: false,
  warn: false,
  info: false,
  debug: true,
  trace: true,
  silent: false,
} as const satisfies Record<LogLevel, boolean>;

/**
 * One log line per request at `debug` (`--log-level debug`). The request history
 * (`GET /__sandbox/requests`) is the record of every call at any level; a line per call at the
 * default level costs much of the sandbox's throughput (`npm run bench` measures it). Fastify's own
 * request logging (two lines) is off; this line names the operation and the answer's code.
 * Headers are never logged, so credentials cannot leak.
 */
export function registerRequestLog(app: FastifyInstance, logLevel: LogLevel): void {
  if (!SHOWS_REQUEST_LINES[logLevel]) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
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
