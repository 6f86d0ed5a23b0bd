import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Awaitable } from '../awaitable.js';
import type { CatalogueEntry } from '../contract/catalogue.js';
import type { LogLevel } from '../log-levels.js';
import type { Closing } from './closing.js';
import type { BeforeAnswer } from './fastify-types.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { logRequest, showsRequestLines } from './request-log.js';
import { type ResponseCheck, checkAnswer } from './response-check.js';
import { refusesLongUrl } from './url-limits.js';

/**
 * The vendor's routes run no app hooks: what those hooks do for the sandbox's own routes (the
 * request id, the URL's length; as the answer leaves: `Connection: close` while closing, the
 * response check, the journal, the metrics, the line per request) is done here, inside the call
 * (handle-call.ts, envelope.ts), each once, with what does not depend on the request made per
 * operation. Shaped for speed: docs/performance.md#one-pass-per-call
 */
export interface CallHooks {
  /** SANDBOX.URI_TOO_LONG. */
  readonly uriTooLong: CatalogueEntry;
  readonly beforeAnswer: BeforeAnswer;
}

/** What the app's hooks would otherwise do, as buildApp knows it. */
export interface AppHooks {
  readonly uriTooLong: CatalogueEntry;
  readonly closing: Closing;
  readonly logLevel: LogLevel;
  /** Only with `--validate-responses` (and in tests). */
  readonly responseCheck: ResponseCheck | undefined;
}

/** What one operation does as each answer leaves, besides the app's: its journal and its metrics. */
export interface OperationHooks {
  readonly operationId: string;
  /** Started before the answer leaves, never awaited (journal.ts). */
  readonly record: ((request: FastifyRequest, reply: FastifyReply) => Awaitable<void>) | undefined;
  readonly count: ((request: FastifyRequest, reply: FastifyReply) => void) | undefined;
}

/** Made once per operation when its route is registered. */
export function callHooks(app: AppHooks, operation: OperationHooks): CallHooks {
  const { closing, responseCheck } = app;
  const { operationId, record, count } = operation;
  const logs = showsRequestLines(app.logLevel);
  return {
    uriTooLong: app.uriTooLong,
    beforeAnswer: (request, reply, payload) => {
      if (closing.now) reply.header('connection', 'close');
      if (responseCheck !== undefined) checkAnswer(responseCheck, operationId, request, reply, payload);
      if (record !== undefined) void record(request, reply);
      if (count !== undefined) count(request, reply);
      if (logs) logRequest(request, reply, operationId);
    },
  };
}

/**
 * The call's first step, before admission: the request id on whatever answer it gets, the work
 * as it leaves, and a URL too long refused (414). Returns whether the call goes on.
 */
export function startCall(request: FastifyRequest, reply: FastifyReply, hooks: CallHooks): boolean {
  reply.header(REQUEST_ID_HEADER, request.id);
  request.beforeAnswer = hooks.beforeAnswer;
  return !refusesLongUrl(request, reply, hooks.uriTooLong);
}
