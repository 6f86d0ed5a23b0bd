import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JournalEntry, TenantStore } from '../world/tenant-store.js';

const SHOWN_LENGTH = 300;

/**
 * Each call of a vendor operation goes into its tenant's request history, like the "Recent
 * Requests" table of the vendor's pages, with what coverage needs (operation, status, code).
 * Recorded before the answer leaves, so a client that asks right after sees its call.
 * Headers other than the user agent are never recorded: no credential reaches the journal.
 */
export function registerJournal(app: FastifyInstance, store: TenantStore): (request: FastifyRequest) => Promise<void> {
  const record = async (request: FastifyRequest, reply: FastifyReply | undefined): Promise<void> => {
    if (!request.routeOptions.config.journal || request.tenant === undefined) return;
    try {
      await store.record(request.tenant, entryOf(request, reply));
    } catch (error) {
      // The history is best effort: an answer is never lost because it could not be written down.
      request.log.warn({ err: error }, 'could not record the call in the journal');
    }
  };
  app.addHook('onSend', async (request, reply, payload) => {
    await record(request, reply);
    return payload;
  });
  return (request) => record(request, undefined);
}

function entryOf(request: FastifyRequest, reply: FastifyReply | undefined): JournalEntry {
  const userAgent = request.headers['user-agent'];
  return {
    time: new Date().toISOString(),
    requestId: request.id,
    method: request.method,
    path: request.url.slice(0, SHOWN_LENGTH),
    operationId: request.routeOptions.config.operationId ?? null,
    status: reply ? reply.statusCode : 0,
    code: reply ? (request.answerCode ?? null) : null,
    scenario: request.scenarioName ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, SHOWN_LENGTH) : null,
    durationMs: Math.round((reply ? reply.elapsedTime : 0) * 10) / 10,
  };
}
