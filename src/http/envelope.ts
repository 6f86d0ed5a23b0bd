import type { FastifyReply } from 'fastify';
import type { CatalogueEntry } from '../contract/catalogue.js';

export interface EnvelopeError {
  readonly code: number;
  readonly message: string;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Every answer of the sandbox leaves here. On the vendor's routes, what the app's hooks do
 * elsewhere (the journal, metrics, the response check…) is done now, once, before it is sent:
 * call-hooks.ts. The payload is the text sent (JSON already serialized), or nothing.
 */
function leave(reply: FastifyReply, payload?: string): FastifyReply {
  const { request } = reply;
  if (request.beforeAnswer !== undefined) request.beforeAnswer(request, reply, payload);
  return reply.send(payload);
}

/** Sends `{"data": null, "errors": [...]}` with the given HTTP status. */
export function sendErrors(reply: FastifyReply, httpStatus: number, errors: readonly EnvelopeError[]): FastifyReply {
  reply.request.answerCode = errors[0]?.code;
  reply.request.envelopeSent = true;
  // Serialized here as Fastify would (JSON.stringify: no route has a response schema), so that
  // the check before it leaves sees the text sent.
  return leave(reply.code(httpStatus).type(JSON_CONTENT_TYPE), JSON.stringify({ data: null, errors }));
}

/** Each catalogue error's envelope as it is sent most often, with the catalogue's own message. */
const catalogueTexts = new WeakMap<CatalogueEntry, string>();

/** Sends one catalogue error; `message` replaces the catalogue's when there is more to say. */
export function sendCatalogueError(reply: FastifyReply, entry: CatalogueEntry, message = entry.message): FastifyReply {
  if (message !== entry.message) return sendErrors(reply, entry.httpStatus, [{ code: entry.code, message }]);
  let text = catalogueTexts.get(entry);
  if (text === undefined) {
    text = JSON.stringify({ data: null, errors: [{ code: entry.code, message }] });
    catalogueTexts.set(entry, text);
  }
  reply.request.answerCode = entry.code;
  reply.request.envelopeSent = true;
  return leave(reply.code(entry.httpStatus).type(JSON_CONTENT_TYPE), text);
}

/**
 * Sends a successful envelope or any other JSON answer the contract declares; `text`, when
 * given, is the body already serialized (the same answers are sent again and again).
 */
export function sendAnswer(reply: FastifyReply, httpStatus: number, body: unknown, text?: string): FastifyReply {
  reply.request.envelopeSent = true;
  reply.code(httpStatus);
  return body === undefined ? leave(reply) : leave(reply.type(JSON_CONTENT_TYPE), text ?? (typeof body === 'string' ? body : JSON.stringify(body)));
}
