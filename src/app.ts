import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { type AppDeps, buildAppDeps } from './app-deps.js';
import type { Operation } from './contract/operations.js';
import { invalidRequestScenario } from './answer/invalid-request-scenario.js';
import type { SandboxConfig } from './config.js';
import type { Contract } from './contract/load-contract.js';
import { isVendorOperation, registerApiRoutes } from './http/api-routes.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { clientErrorResponder } from './http/client-errors.js';
import { closingState, registerClosingConnections } from './http/closing.js';
import { registerCors } from './http/cors.js';
import { docs } from './http/docs/index.js';
import { errorResponder, registerErrorHandler } from './http/error-handler.js';
import { decorateRequests } from './http/fastify-types.js';
import { makeChildrenLazy } from './http/lazy-request-logger.js';
import { logRedaction } from './http/log-redaction.js';
import { registerNotFound } from './http/not-found.js';
import { generateRequestId, registerRequestId } from './http/request-id.js';
import { registerRequestLog } from './http/request-log.js';
import { type ResponseMismatch, registerResponseCheck } from './http/response-check.js';
import { sandboxApi } from './http/sandbox-api/index.js';
import { servesOperation } from './http/served-operations.js';
import { MAX_PATH_PARAMETER_LENGTH, registerUrlLimit } from './http/url-limits.js';
import { REQUIRED_KEYS } from './contract/catalogue.js';
import { watchScenarios } from './scenarios/watch-scenarios.js';
import type { TenantStore } from './world/tenant-store.js';

export interface AppOptions {
  /** An already loaded contract (tests load one once); else `config.contract` is read. */
  readonly contract?: Contract;
  /** Called for every answer that does not match the contract (tests fail on it). */
  readonly onResponseMismatch?: (mismatch: ResponseMismatch) => void;
  /** Where log lines go (default stdout); tests read them to check what is logged. */
  readonly logStream?: DestinationStream;
  /** Where tenants' state lives; else the backend the configuration asks for (see open-store.ts). */
  readonly store?: TenantStore;
}

/**
 * Builds the sandbox: the contract drives every route, the scenarios and the tenant's world
 * decide every answer. Its callers listen: `src/server.ts` (the command) and `startSandbox` (src/index.ts); tests use `inject`.
 * The hooks run in the order they are registered here; the vendor's routes run none of them but
 * --cors's (handle-call.ts does their work).
 */
export async function buildApp(config: SandboxConfig, options: AppOptions = {}): Promise<FastifyInstance> {
  const deps = await buildAppDeps(config, options);
  const { contract, scenarios, accounts, store } = deps;
  const respondToError = errorResponder(contract.catalogue, store);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...logRedaction(contract),
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request comes from request-log.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    // A request (headers and body) not received whole in time gets 408 (client-errors.ts) and its
    // connection closed; an answer that takes long (a slow scenario) is not cut by it. Node's
    // headersTimeout (60 s) must not exceed it: Node swaps the two when it does, and a body then
    // had 60 s. Node looks every 30 s by default: every second, a timeout is kept within a second.
    requestTimeout: config.requestTimeout,
    http: { headersTimeout: config.requestTimeout, connectionsCheckingInterval: Math.min(1_000, config.requestTimeout) },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    // Errors raised before routing (a malformed URL) get the same envelope as any other,
    // and so does what Node's parser refuses before Fastify (headers too large).
    frameworkErrors: (error, request, reply) => {
      respondToError(error, request, reply);
    },
    clientErrorHandler: clientErrorResponder(contract.catalogue),
    // request.ip is the client's, from X-Forwarded-For, only when the peer is one of these.
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
  });
  // Each request's child logger is made on its first line: most calls log none.
  makeChildrenLazy(app.log);
  app.decorate('sandboxSummary', () => ({ scenarios: scenarios.set.scenarios.length, accounts: accounts.length }));
  decorateRequests(app);
  app.addHook('onClose', async () => {
    await deps.addressLocks?.close();
    await store.close();
  });

  const closing = closingState(app);
  registerBodyParsers(app, contract.catalogue);
  registerErrorHandler(app, respondToError);
  // First: preflights are answered before anything else looks at a call, and every answer to an
  // allowed page (refusals too) carries the headers it needs to read it. With --cors its hook is
  // the whole app's, the vendor's routes too, and so is the request id, which its answers carry.
  if (config.cors) {
    registerRequestId(app);
    await registerCors(app, contract, config.cors);
  }
  const serves = servesOperation(config);
  // The docs page's paths are the contract's too (a POST to them gets 405 below), but their routes are its own.
  const routed = (operation: Operation) => serves(operation) && !operation.servedByDocsPage;
  const responseCheck = config.validateResponses || options.onResponseMismatch ? { checks: deps.checks, report: reportMismatch(app, options.onResponseMismatch) } : undefined;
  const routes = { ...deps, ...deps.budgets, builtIns: sandboxApi(deps, config), adminToken: config.adminToken, labelInvalid: invalidRequestScenario(scenarios), respondToError };
  // The vendor's operations, where no hook of the plugin below reaches: each call does their work
  // itself, once (call-hooks.ts). Shaped for speed: docs/performance.md#one-pass-per-call
  registerApiRoutes(app, {
    ...routes,
    serves: (operation) => routed(operation) && isVendorOperation(operation),
    appHooks: { uriTooLong: contract.catalogue.get(REQUIRED_KEYS.uriTooLong), closing, logLevel: config.logLevel, responseCheck },
  });
  // Everything else (the sandbox's own operations, the docs page, 404 and 405) beside the hooks.
  await app.register(async (own) => {
    if (!config.cors) registerRequestId(own);
    registerUrlLimit(own, contract.catalogue);
    registerRequestLog(own, config.logLevel);
    registerClosingConnections(own, closing);
    if (responseCheck) registerResponseCheck(own, responseCheck);
    registerNotFound(own, contract.operations.filter(serves), contract.catalogue);
    // Encapsulated: the docs page's security headers apply to it alone.
    await own.register(docs, { contract, scenarios });
    // One route per operation of the contract; the sandbox's own operations end in sandboxApi's handlers.
    registerApiRoutes(own, { ...routes, serves: (operation) => routed(operation) && !isVendorOperation(operation), appHooks: undefined });
  });
  if (config.watch) watchUntilClose(app, config.scenarios, deps);
  return app;
}

/** An answer that does not match the contract is logged as an error, and told to the caller (tests). */
function reportMismatch(app: FastifyInstance, onResponseMismatch: AppOptions['onResponseMismatch']) {
  return (mismatch: ResponseMismatch) => {
    app.log.error({ mismatch }, 'answer does not match the contract');
    onResponseMismatch?.(mismatch);
  };
}

/** --watch: the scenarios folder is read again on a change, until the app closes. */
function watchUntilClose(app: FastifyInstance, directory: string, { loadScenarios, scenarios }: Pick<AppDeps, 'loadScenarios' | 'scenarios'>): void {
  const stop = watchScenarios(directory, loadScenarios, (set) => scenarios.replace(set), app.log);
  app.addHook('onClose', (_instance, done) => {
    stop();
    done();
  });
}
