import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

export const showsRequestLines = (logLevel: LogLevel): boolean => SHOWS_REQUEST_LINES[logLevel];

/**
 * One log line per request, at `debug` only (the request history records every call at any level):
 * the operation and the answer's code, never headers, so no credential leaks. Fastify's own two
 * lines are off. Shaped for speed: docs/performance.md#request-logging-off-the-per-call-path
 */
export function logRequest(request: FastifyRequest, reply: FastifyReply, operationId: string | undefined): void {
  request.log.debug(
    {
      method: request.method,
      url: request.url.slice(0, 300),
      operationId,
      statusCode: reply.statusCode,
      code: request.answerCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    },
    'request',
  );
}

/** The line as the sandbox's own routes log it, once answered; the vendor's log it as their answer leaves (call-hooks.ts). */
export function registerRequestLog(app: FastifyInstance, logLevel: LogLevel): void {
  if (!showsRequestLines(logLevel)) return;
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply, request.routeOptions.config.operationId);
    done();
  });
}
