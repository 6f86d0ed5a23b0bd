import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { DecideOutcome } from '../outcome.js';
import type { Contract } from '../spec/load-contract.js';
import type { ContractChecks } from '../spec/contract-checks.js';
import type { RawRequest } from '../spec/request-validator.js';
import { authenticator } from './authenticate.js';
import { sendAnswer, sendCatalogueError, sendErrors } from './envelope.js';

/** Handlers for the sandbox's own operations in the contract (tag `sandbox`), by operationId. */
export type BuiltInHandlers = Readonly<Record<string, RouteHandlerMethod>>;

/**
 * One Fastify route per operation of the contract, none written by hand. Each request reads:
 * authenticate (onRequest), validate against the contract, decide the outcome, send it in the
 * envelope. The sandbox's own operations are answered by their built-in handler.
 */
export function registerApiRoutes(
  app: FastifyInstance,
  contract: Contract,
  checks: ContractChecks,
  decide: DecideOutcome,
  builtIns: BuiltInHandlers,
): void {
  const schemes = (contract.dereferenced.components?.securitySchemes ?? {}) as Parameters<typeof authenticator>[1];
  for (const operation of contract.operations) {
    const builtIn = builtIns[operation.operationId];
    if (!builtIn && operation.tags.includes('sandbox')) {
      throw new Error(`${operation.operationId} is a sandbox operation with no built-in handler`);
    }
    const validate = checks.requests.get(operation.operationId);
    if (!validate) throw new Error(`${operation.operationId} has no compiled request check`);
    const onRequest = authenticator(operation, schemes, contract.catalogue);
    app.route({
      method: operation.method,
      url: fastifyPath(operation.path),
      config: { operationId: operation.operationId },
      ...(onRequest ? { onRequest } : {}),
      handler:
        builtIn ??
        (async (request, reply) => {
          const validation = validate(request as unknown as RawRequest);
          if (!validation.valid) {
            const errors = validation.diagnostics.map(({ error, problem }) => ({ code: error.code, message: `${error.message} ${problem}` }));
            return sendErrors(reply, validation.diagnostics[0]?.error.httpStatus ?? 400, errors);
          }
          const outcome = await decide({
            operation,
            values: validation.values,
            body: validation.body,
            tenant: request.tenant,
            headers: request.headers,
          });
          return outcome.kind === 'answer'
            ? sendAnswer(reply, outcome.statusCode, outcome.body)
            : sendCatalogueError(reply, outcome.error, outcome.message);
        }),
    });
  }
}

/** `/promotions/{promotionId}/deactivate` → `/promotions/:promotionId/deactivate`. */
function fastifyPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}
