import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { DecideOutcome, Outcome, ValidCall } from '../answer/outcome.js';
import type { Contract } from '../contract/load-contract.js';
import type { Operation } from '../contract/operations.js';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { RawRequest } from '../contract/request-validator.js';
import type { Identifier } from '../auth/identify.js';
import { admission } from './admission.js';
import { authenticator } from './authenticate.js';
import type { ApiRateLimiter, RateLimiter } from './rate-limit.js';
import type { RefusedCredentials } from './refused-credentials.js';
import { setTimeout as delay } from 'node:timers/promises';
import { sendAnswer, sendCatalogueError, sendErrors } from './envelope.js';
import { credentialHeaderTest } from './credential-headers.js';
import { isJournaled, operationJournal } from './journal.js';
import type { JournalStore } from '../world/journal-store.js';
import { unhandled } from '../unhandled.js';
import { TAGS } from '../contract/tags.js';

/** Answers one of the sandbox's own operations (tag `sandbox`) once the call is valid. */
export type BuiltInHandler = (call: ValidCall, reply: FastifyReply) => Promise<FastifyReply>;
export type BuiltInHandlers = Readonly<Record<string, BuiltInHandler>>;
export type DropRecorder = (request: FastifyRequest) => Promise<void>;

/** What counts the answers of each operation (`--metrics`, see metrics.ts). */
export interface RouteMetrics {
  forOperation(operationId: string): {
    readonly onSend: onSendHookHandler;
    /** Counts a call whose connection a scenario drops (no answer, so no onSend). */
    readonly countDrop: (request: FastifyRequest) => void;
  };
}

/** The sandbox's header that splits a credential's tenant: a parameter of the contract. */
const SESSION_PARAMETER = 'SandboxSession';

/**
 * One Fastify route per operation of the contract, none written by hand. Each request passes
 * admission (admission.ts: authenticate, then the rate limit), then its handler here validates it
 * against the contract, decides the outcome (or runs the built-in handler of a sandbox
 * operation) and sends it in the envelope.
 */
export function registerApiRoutes(
  app: FastifyInstance,
  contract: Contract,
  checks: ContractChecks,
  decide: DecideOutcome,
  builtIns: BuiltInHandlers,
  hooks: {
    readonly identifier: Identifier;
    /** Without it the operator operations are not served at all. */
    readonly adminToken: string | undefined;
    /** Whether the sandbox serves this operation (the operator calls, /metrics: only when asked for). */
    readonly serves: (operation: Operation) => boolean;
    /** With `--metrics`: counts each operation's answers. */
    readonly metrics: RouteMetrics | undefined;
    /** The API key's budget: the vendor's calls count against it. */
    readonly limiter: ApiRateLimiter;
    /** The credential's budget of sandbox calls (`/__sandbox/*`, tag `sandbox`). */
    readonly sandboxCalls: RateLimiter;
    /** The token call's budget per caller address (per OAuth key: oauth-token.ts). */
    readonly tokenCallers: RateLimiter;
    /** The guard of every call that needs a credential: refused credentials per address. */
    readonly refused: RefusedCredentials;
    /** Names the scenario whose magic values a refused request carries, when its code matches. */
    readonly labelInvalid: (operation: Operation, texts: Readonly<Record<string, string | undefined>>, code: number | undefined) => string | undefined;
    /** The request history of the vendor's operations. */
    readonly store: JournalStore;
  },
): void {
  const { labelInvalid, store, identifier, adminToken, limiter, sandboxCalls, tokenCallers, refused, serves, metrics } = hooks;
  const sessionSchema = (contract.dereferenced.components?.parameters?.[SESSION_PARAMETER] as { schema?: { pattern?: string } } | undefined)?.schema;
  const sessionPattern = sessionSchema?.pattern ? new RegExp(sessionSchema.pattern) : undefined;
  const schemes = (contract.dereferenced.components?.securitySchemes ?? {}) as Parameters<typeof authenticator>[1];
  const isCredential = credentialHeaderTest(contract);
  for (const operation of contract.operations) {
    if (!serves(operation)) continue;
    const builtIn = builtIns[operation.operationId];
    if (!builtIn && operation.tags.includes(TAGS.sandbox)) {
      throw new Error(`${operation.operationId} is a sandbox operation with no built-in handler`);
    }
    const validate = checks.requests.get(operation.operationId);
    if (!validate) throw new Error(`${operation.operationId} has no compiled request check`);
    const authenticate = authenticator(operation, schemes, contract.catalogue, identifier, adminToken, sessionPattern, refused);
    const tokenCall = operation.tags.includes(TAGS.oauth);
    // The vendor's calls, per API key; the sandbox's calls of a tenant (not /healthz, /metrics…),
    // per credential, apart; the token call needs no credential: its caller's address.
    const budget = operation.tags.includes(TAGS.promotions)
      ? limiter
      : operation.tags.includes(TAGS.sandbox) && operation.path.startsWith('/__sandbox/')
        ? sandboxCalls
        : tokenCall
          ? tokenCallers
          : undefined;
    // Every call that needs a credential (the token call's is in its body) is refused while its
    // address is past its refused credentials.
    const onRequest = admission(authenticate || tokenCall ? refused : undefined, authenticate, budget);
    // The vendor's per-customer and global calls are journaled.
    const journal = isJournaled(operation) ? operationJournal(store, operation, isCredential) : undefined;
    const counted = metrics?.forOperation(operation.operationId);
    const recordDrop: DropRecorder = (request) => {
      counted?.countDrop(request);
      return journal ? journal.recordDrop(request) : Promise.resolve();
    };
    const onSend = [journal?.onSend, counted?.onSend].filter((hook) => hook !== undefined);
    app.route({
      method: operation.method,
      url: fastifyPath(operation.path),
      config: { operationId: operation.operationId },
      ...(onRequest ? { onRequest } : {}),
      ...(onSend.length > 0 ? { onSend } : {}),
      handler: async (request, reply) => {
        const validation = validate(request as unknown as RawRequest);
        if (!validation.valid) {
          const errors = validation.diagnostics.map(({ error, problem }) => ({ code: error.code, message: `${error.message} ${problem}` }));
          request.scenarioName = labelInvalid(operation, validation.texts, errors[0]?.code);
          if (request.scenarioName) reply.header('x-sandbox-scenario', request.scenarioName);
          return sendErrors(reply, validation.diagnostics[0]?.error.httpStatus ?? 400, errors);
        }
        // The tenant (the credential, refined by X-Sandbox-Session) was set by authentication.
        request.tenant ??= 'public';
        const call: ValidCall = {
          operation,
          values: validation.values,
          texts: validation.texts,
          body: validation.body,
          tenant: request.tenant,
          headers: request.headers,
        };
        if (builtIn) return builtIn(call, reply);
        const outcome = await decide(call);
        if (outcome.kind === 'error' && outcome.error.httpStatus === 429) reply.headers(limiter.forcedHeaders(request));
        return deliver(outcome, reply, recordDrop);
      },
    });
  }
}

/** Sends an outcome: after its delay, as an answer, an error in the envelope, or no answer at all. */
async function deliver(outcome: Outcome, reply: FastifyReply, recordDrop: DropRecorder): Promise<FastifyReply> {
  reply.request.scenarioName = outcome.scenario;
  if (outcome.delayMs) await delay(outcome.delayMs);
  // A dropped connection has no headers to name its scenario in.
  if (outcome.kind !== 'drop' && outcome.scenario) reply.header('x-sandbox-scenario', outcome.scenario);
  switch (outcome.kind) {
    case 'drop':
      await recordDrop(reply.request);
      reply.hijack();
      reply.request.raw.socket.destroy();
      return reply;
    case 'answer':
      return sendAnswer(reply, outcome.statusCode, outcome.body, outcome.text);
    case 'error':
      return sendCatalogueError(reply, outcome.error, outcome.message);
    default:
      return unhandled('outcome', outcome);
  }
}

/** `/promotions/{promotionId}/deactivate` → `/promotions/:promotionId/deactivate`. */
function fastifyPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}
