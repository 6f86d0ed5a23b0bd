import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { JournalStore, RecordedCall } from '../world/journal-store.js';

const SHOWN_LENGTH = 300;

/** Records the calls of one operation: its route's onSend hook, and the record of a dropped call. */
export interface OperationJournal {
  readonly onSend: onSendHookHandler;
  /** Journals a call whose connection a scenario drops (no answer, so no onSend). */
  readonly recordDrop: (request: FastifyRequest) => Promise<void>;
}

/**
 * Each call of a vendor operation goes into its tenant's request history, like the "Recent
 * Requests" table of the vendor's pages, with what coverage needs (operation, status, code).
 * The record is started before the answer leaves (the memory store records at once; a store
 * over a connection sends the command ahead of anything the client asks next), without waiting
 * for it: the history is best effort, and an answer is never delayed or lost because it could not
 * be written down.
 * Headers other than the user agent are never recorded: no credential reaches the journal.
 * The hook is the route's own, so other routes pay nothing for it.
 */
export function operationJournal(store: JournalStore, operationId: string): OperationJournal {
  const record = (request: FastifyRequest, reply: FastifyReply | undefined): Promise<void> => {
    if (request.tenant === undefined) return Promise.resolve();
    return store.record(request.tenant, entryOf(operationId, request, reply)).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not record the call in the journal');
    });
  };
  return {
    onSend: (request, reply, payload, done) => {
      void record(request, reply);
      done(null, payload);
    },
    recordDrop: (request) => record(request, undefined),
  };
}

function entryOf(operationId: string, request: FastifyRequest, reply: FastifyReply | undefined): RecordedCall {
  const userAgent = request.headers['user-agent'];
  return {
    at: Date.now(),
    requestId: request.id,
    method: request.method,
    path: request.url.length > SHOWN_LENGTH ? request.url.slice(0, SHOWN_LENGTH) : request.url,
    operationId,
    status: reply ? reply.statusCode : 0,
    code: reply ? (request.answerCode ?? null) : null,
    scenario: request.scenarioName ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, SHOWN_LENGTH) : null,
    durationMs: Math.round((reply ? reply.elapsedTime : 0) * 10) / 10,
  };
}
