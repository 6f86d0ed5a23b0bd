import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContractChecks } from '../contract/contract-checks.js';

export interface ResponseMismatch {
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  readonly problems: readonly string[];
}

/** The check of every answer before it leaves: `--validate-responses`, and tests. */
export interface ResponseCheck {
  readonly checks: ContractChecks;
  readonly report: (mismatch: ResponseMismatch) => void;
}

/**
 * Checks an answer against the contract before it leaves: the operation's declared responses
 * for routed calls, the error envelope of a catalogue entry for unrouted ones and for
 * requests refused before their operation looked at them. A mismatch is reported, never hidden;
 * the answer itself is sent unchanged (the client sees exactly what the sandbox produced).
 */
export function checkAnswer(check: ResponseCheck, operationId: string | undefined, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  const routed = request.refusedBeforeOperation ? undefined : operationId;
  const validator = routed ? check.checks.responses.get(routed) : request.envelopeSent ? check.checks.unrouted : undefined;
  // HEAD answers carry no body by definition.
  if (!validator || request.method === 'HEAD') return;
  const problems = validator({
    statusCode: reply.statusCode,
    headers: reply.getHeaders(),
    body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
  });
  if (problems.length > 0) check.report({ method: request.method, url: request.url, statusCode: reply.statusCode, problems });
}

/** The check as an onSend hook of the sandbox's own routes; the vendor's check as their answer leaves (call-hooks.ts). */
export function registerResponseCheck(app: FastifyInstance, check: ResponseCheck): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    checkAnswer(check, request.routeOptions.config.operationId, request, reply, payload);
    done(null, payload);
  });
}
