import type { FastifyReply } from 'fastify';
import type { CatalogueEntry } from '../spec/catalogue.js';

export interface EnvelopeError {
  readonly code: number;
  readonly message: string;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sends `{"data": null, "errors": [...]}` with the given HTTP status. */
export function sendErrors(reply: FastifyReply, httpStatus: number, errors: readonly EnvelopeError[]): FastifyReply {
  reply.request.answerCode = errors[0]?.code;
  reply.request.envelopeSent = true;
  return reply.code(httpStatus).type(JSON_CONTENT_TYPE).send({ data: null, errors });
}

/** Sends one catalogue error; `message` replaces the catalogue's when there is more to say. */
export function sendCatalogueError(reply: FastifyReply, entry: CatalogueEntry, message = entry.message): FastifyReply {
  return sendErrors(reply, entry.httpStatus, [{ code: entry.code, message }]);
}

/** Sends a successful envelope or any other JSON answer the contract declares. */
export function sendAnswer(reply: FastifyReply, httpStatus: number, body: unknown): FastifyReply {
  reply.request.envelopeSent = true;
  reply.code(httpStatus);
  return body === undefined ? reply.send() : reply.type(JSON_CONTENT_TYPE).send(body);
}
