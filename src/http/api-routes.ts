import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { DecideOutcome } from '../answer/outcome.js';
import type { Contract } from '../contract/load-contract.js';
import type { Operation } from '../contract/operations.js';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { Identifier } from '../auth/identify.js';
import { authenticator } from './authenticate.js';
import { type BuiltInHandlers, type CallDeps, admit, countingErrorHandler, handleCall } from './handle-call.js';
import type { ApiRateLimiter, RateLimiter } from './rate-limit.js';
import type { RefusedCredentials } from './refused-credentials.js';
import { credentialHeaderTest } from './credential-headers.js';
import { type OperationJournal, isJournaled, operationJournal } from './journal.js';
import { type AppHooks, callHooks } from './call-hooks.js';
import type { JournalStore } from '../world/journal-store.js';
import type { OneTripCalls } from '../world/one-trip.js';
import { TAGS } from '../contract/tags.js';

/** What counts the answers of each operation (`--metrics`, see metrics.ts). */
export interface RouteMetrics {
  forOperation(operationId: string): {
    /** Counts an answer as it leaves. */
    readonly count: (request: FastifyRequest, reply: FastifyReply) => void;
    /** Counts a call whose connection a scenario drops (no answer, so no onSend). */
    readonly countDrop: (request: FastifyRequest) => void;
  };
}

export interface ApiRoutesOptions {
  readonly contract: Contract;
  readonly checks: ContractChecks;
  readonly decide: DecideOutcome;
  /** The handlers of the sandbox's own operations (tag `sandbox`), by operationId. */
  readonly builtIns: BuiltInHandlers;
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
  readonly labelInvalid: CallDeps['labelInvalid'];
  /** The request history of the vendor's operations; a shared store also settles their calls in one trip. */
  readonly store: JournalStore & Partial<OneTripCalls>;
  /** Where the answer to an error is made (error-handler.ts): a vendor call counted at its store step is counted first. */
  readonly respondToError: Parameters<typeof countingErrorHandler>[1];
  /**
   * Given for the vendor's routes, registered where the app's hooks do not reach: their work is
   * done in the call (call-hooks.ts). Without it, the routes are left to the app's hooks.
   */
  readonly appHooks: AppHooks | undefined;
}

/** The vendor's operations (tag `promotions`): the calls the sandbox is for, in one pass each. */
export function isVendorOperation(operation: Operation): boolean {
  return operation.tags.includes(TAGS.promotions);
}

/** The sandbox's header that splits a credential's tenant: a parameter of the contract. */
const SESSION_PARAMETER = 'SandboxSession';

/**
 * One Fastify route per operation of the contract, none written by hand: each runs one call
 * through handle-call.ts (admit as its onRequest hook, then validate → decide → deliver) with
 * what that operation needs, made here once. buildApp calls it twice: the vendor's operations
 * where no app hook reaches (with `appHooks`), the sandbox's own beside the app's hooks.
 */
export function registerApiRoutes(app: FastifyInstance, options: ApiRoutesOptions): void {
  const { contract, metrics, store } = options;
  const sessionSchema = (contract.dereferenced.components?.parameters?.[SESSION_PARAMETER] as { schema?: { pattern?: string } } | undefined)?.schema;
  const sessionPattern = sessionSchema?.pattern ? new RegExp(sessionSchema.pattern) : undefined;
  const schemes = (contract.dereferenced.components?.securitySchemes ?? {}) as Parameters<typeof authenticator>[1];
  const isCredential = credentialHeaderTest(contract);
  for (const operation of contract.operations) {
    if (!options.serves(operation)) continue;
    const authenticate = authenticator(operation, schemes, contract.catalogue, options.identifier, options.adminToken, sessionPattern, options.refused);
    const counted = metrics?.forOperation(operation.operationId);
    // The vendor's per-customer and global calls are journaled.
    const journal = isJournaled(operation) ? operationJournal(store, operation, isCredential) : undefined;
    const budget = budgetOf(operation, options);
    // A vendor call on a shared store is counted with its settlement, in one trip (one-trip.ts).
    const oneTrip = budget === options.limiter && options.limiter.countedWithCall && store.guess && store.settle ? (store as OneTripCalls) : undefined;
    const hooks = options.appHooks ? callHooks(options.appHooks, { operationId: operation.operationId, record: journal?.record, count: counted?.count }) : undefined;
    const deps: CallDeps = {
      operation,
      hooks,
      // Every call that needs a credential (the token call's is in its body).
      refused: authenticate || operation.tags.includes(TAGS.oauth) ? options.refused : undefined,
      authenticate,
      budget: oneTrip ? undefined : budget,
      oneTrip,
      validate: requestCheck(operation, options.checks),
      labelInvalid: options.labelInvalid,
      builtIn: builtInOf(operation, options.builtIns),
      decide: options.decide,
      limiter: options.limiter,
      journal,
      countDrop: counted?.countDrop,
    };
    const onSend = hooks ? [] : onSendHooks(journal, counted);
    app.route({
      method: operation.method,
      url: fastifyPath(operation.path),
      config: { operationId: operation.operationId },
      ...(deps.hooks || deps.refused || deps.authenticate || deps.budget || deps.oneTrip ? { onRequest: (request, reply, done) => admit(request, reply, deps, done) } : {}),
      ...(oneTrip ? { errorHandler: countingErrorHandler(deps, options.respondToError) } : {}),
      ...(onSend.length > 0 ? { onSend } : {}),
      handler: (request, reply) => {
        const answered = handleCall(request, reply, deps);
        // Sent already when not a promise: Fastify is given nothing to wait for (a reply is a thenable it would wait on).
        return answered instanceof Promise ? answered : undefined;
      },
    });
  }
}

/** Where the app's hooks reach the route: the journal and the metrics as its own onSend hooks. */
function onSendHooks(journal: OperationJournal | undefined, counted: ReturnType<RouteMetrics['forOperation']> | undefined): onSendHookHandler[] {
  const hooks: onSendHookHandler[] = [];
  if (journal) {
    hooks.push((request, reply, payload, done) => {
      void journal.record(request, reply);
      done(null, payload);
    });
  }
  if (counted) {
    hooks.push((request, reply, payload, done) => {
      counted.count(request, reply);
      done(null, payload);
    });
  }
  return hooks;
}

/**
 * The vendor's calls, per API key; the sandbox's calls of a tenant (not /healthz, /metrics…),
 * per credential, apart; the token call needs no credential: its caller's address.
 */
function budgetOf(operation: Operation, options: ApiRoutesOptions): RateLimiter | undefined {
  if (operation.tags.includes(TAGS.promotions)) return options.limiter;
  if (operation.tags.includes(TAGS.sandbox) && operation.path.startsWith('/__sandbox/')) return options.sandboxCalls;
  return operation.tags.includes(TAGS.oauth) ? options.tokenCallers : undefined;
}

function requestCheck(operation: Operation, checks: ContractChecks): CallDeps['validate'] {
  const validate = checks.requests.get(operation.operationId);
  if (!validate) throw new Error(`${operation.operationId} has no compiled request check`);
  return validate;
}

function builtInOf(operation: Operation, builtIns: BuiltInHandlers): CallDeps['builtIn'] {
  const builtIn = builtIns[operation.operationId];
  if (!builtIn && operation.tags.includes(TAGS.sandbox)) {
    throw new Error(`${operation.operationId} is a sandbox operation with no built-in handler`);
  }
  return builtIn;
}

/** `/promotions/{promotionId}/deactivate` → `/promotions/:promotionId/deactivate`. */
function fastifyPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}
