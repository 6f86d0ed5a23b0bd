import type { FastifyInstance } from 'fastify';
import type { ContractChecks } from '../contract/contract-checks.js';

export interface ResponseMismatch {
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  readonly problems: readonly string[];
}

/**
 * Checks every answer against the contract before it leaves: the operation's declared responses
 * for routed calls, the error envelope of a catalogue entry for unrouted ones and for requests
 * refused before their operation looked at them. A mismatch is reported, never hidden;
 * the answer itself is sent unchanged (the client sees exactly what the sandbox produced).
 */
export function registerResponseCheck(
  app: FastifyInstance,
  checks: ContractChecks,
  report: (mismatch: ResponseMismatch) => void,
): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const operationId = request.refusedBeforeOperation ? undefined : request.routeOptions.config.operationId;
    const validator = operationId ? checks.responses.get(operationId) : request.envelopeSent ? checks.unrouted : undefined;
    // HEAD answers carry no body by definition.
    if (validator && request.method !== 'HEAD') {
      const problems = validator({
        statusCode: reply.statusCode,
        headers: reply.getHeaders(),
        body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
      });
      if (problems.length > 0) report({ method: request.method, url: request.url, statusCode: reply.statusCode, problems });
    }
    done(null, payload);
  });
}
