import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Catalogue, REQUIRED_KEYS } from '../contract/catalogue.js';
import { BadBodyError } from './body-parsers.js';
import { type StoreHealth, StoreUnavailableError } from '../world/store-health.js';
import { sendCatalogueError, sendErrors } from './envelope.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { pathParameterTooLongMessage } from './url-limits.js';

/** Why Fastify refused a request, in words a client can act on. Never the stack or internals. */
const BAD_REQUEST_REASONS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body does not match its Content-Length.',
  FST_ERR_BAD_URL: 'The URL is malformed (bad percent-encoding).',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty.',
};

/**
 * What a call that met a fault of the sandbox's own (a bug) is told, after the entry's message.
 * Not the vendor's 500 (GLOBAL.UNEXPECTED_ERROR): a tester would take it for the vendor's answer,
 * exactly as with a store's fault; only a scenario gives that one.
 */
const OWN_FAULT = "It met a fault of its own, which is not an answer of the vendor's; the sandbox's log has it under this call's X-Cap-Requestid.";

/**
 * Any error that escapes a handler, or that Fastify raises before one runs, becomes a documented
 * error in the envelope. Faults of the sandbox (its store's, or its own) are 503 in the
 * sandbox's own entry, never the vendor's 500; a fault of its own is logged with the error for
 * operators. The client gets the catalogue's message only.
 */
export function errorResponder(catalogue: Catalogue, store?: StoreHealth) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const status = error.statusCode ?? 500;
    if (status === 413) return sendCatalogueError(reply, catalogue.get(REQUIRED_KEYS.payloadTooLarge));
    if (status === 415) {
      const entry = catalogue.get(REQUIRED_KEYS.unsupportedMediaType);
      return sendCatalogueError(reply, entry, `${entry.message} Got ${JSON.stringify(contentTypeOf(request))}.`);
    }
    if (status === 400) {
      const entry = catalogue.get(REQUIRED_KEYS.invalidInput);
      return sendCatalogueError(reply, entry, `${entry.message} ${badRequestReason(error)}`);
    }
    if (status === 429) return sendCatalogueError(reply, catalogue.get(REQUIRED_KEYS.rateLimitExceeded));
    // A store lost mid-call (by its own commands, or by the rate limiter on its connection):
    // 503, not 500, in the store's words; so is any error while the store says it is not ready.
    const unavailable = error instanceof StoreUnavailableError ? error : store?.unavailableError(error);
    const readiness = store?.readiness();
    if (status === 503 || unavailable || readiness?.ready === false) {
      const entry = catalogue.get(REQUIRED_KEYS.notReady);
      const reason = unavailable?.message ?? (readiness?.ready === false ? readiness.reason : 'The sandbox is shutting down.');
      return sendCatalogueError(reply, entry, `${entry.message} ${reason}`);
    }
    // Only the router raises 414, for a path parameter too long; a URL too long has its own check (url-limits.ts).
    if (status === 414) {
      const entry = catalogue.get(REQUIRED_KEYS.uriTooLong);
      return sendCatalogueError(reply, entry, pathParameterTooLongMessage(entry));
    }
    // Other refusals by Fastify: its message is about the request, never the sandbox's internals.
    if (status > 400 && status < 500) return sendErrors(reply, status, [{ code: status, message: error.message.slice(0, 200) }]);
    request.log.error({ err: error }, 'unexpected error');
    const entry = catalogue.get(REQUIRED_KEYS.notReady);
    return sendCatalogueError(reply, entry, `${entry.message} ${OWN_FAULT}`);
  };
}

export function registerErrorHandler(app: FastifyInstance, respond: ReturnType<typeof errorResponder>): void {
  app.setErrorHandler(respond);
}

function badRequestReason(error: FastifyError): string {
  if (error instanceof BadBodyError) return error.message;
  return BAD_REQUEST_REASONS[error.code] ?? 'The request is malformed.';
}

function contentTypeOf(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '').slice(0, 100);
}
