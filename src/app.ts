import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { type Account, loadAccounts } from './auth/accounts-file.js';
import { createIdentifier } from './auth/identify.js';
import type { SandboxConfig } from './config.js';
import { adminHandlers } from './http/sandbox-api/admin-api.js';
import { registerApiRoutes } from './http/api-routes.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { clientErrorResponder } from './http/client-errors.js';
import { registerClosingConnections } from './http/closing.js';
import { REDACTED } from './auth/redaction.js';
import { credentialHeaders, credentialHeaderTest, redactedHeaders } from './http/credential-headers.js';
import { registerCors } from './http/cors.js';
import { registerDocsPage } from './http/docs/docs-page.js';
import { docsPageFacts } from './http/docs/docs-page-facts.js';
import { errorResponder, registerErrorHandler } from './http/error-handler.js';
import './http/fastify-types.js';
import { healthHandlers } from './http/sandbox-api/health.js';
import { lazyChildLogger } from './http/lazy-request-logger.js';
import { METRICS_OPERATION, answerMetrics } from './http/sandbox-api/metrics.js';
import { registerNotFound } from './http/not-found.js';
import { oauthTokenHandlers } from './http/sandbox-api/oauth-token.js';
import { operatorHandlers } from './http/sandbox-api/operator-api.js';
import { postmanCollectionHandlers } from './http/sandbox-api/postman-collection-handler.js';
import { RateLimits } from './http/rate-limit.js';
import { RefusedCredentials, addressOf } from './http/refused-credentials.js';
import { generateRequestId, registerRequestId } from './http/request-id.js';
import { MAX_PATH_PARAMETER_LENGTH, registerUrlLimit } from './http/url-limits.js';
import { registerRequestLog } from './http/request-log.js';
import { type ResponseMismatch, registerResponseCheck } from './http/response-check.js';
import { SuccessAnswers } from './contract/success-answers.js';
import { OPERATION_RULES } from './rules/operation-rules.js';
import { decideAnswer } from './answer/decide-answer.js';
import { sprinkleErrors } from './answer/error-rate.js';
import { errorRateHandlers } from './http/sandbox-api/error-rate-api.js';
import { invalidRequestScenario } from './answer/invalid-request-scenario.js';
import { LiveScenarios } from './scenarios/live-scenarios.js';
import { loadScenarios } from './scenarios/load-scenarios.js';
import { watchScenarios } from './scenarios/watch-scenarios.js';
import { REQUIRED_KEYS } from './contract/catalogue.js';
import { compileContractChecks } from './contract/contract-checks.js';
import { type Contract, ContractError, loadContract } from './contract/load-contract.js';
import type { Operation } from './contract/operations.js';
import { servedDocument } from './http/docs/served-document.js';
import { type OpenedStore, openStore } from './open-store.js';
import type { TenantStore } from './world/tenant-store.js';
import { TAGS } from './contract/tags.js';

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
 * Credentials never reach a log line, whatever a future change decides to log: the headers the
 * contract names, by path (pino's redaction needs concrete names), and any `headers` logged, by
 * the request history's rule (a name that looks like a credential's, `X-Api-Key`, `X-Pwd`, and a
 * Basic, Bearer or Digest value under any name; credential-headers.ts).
 */
function logRedaction(contract: Contract) {
  const isCredential = credentialHeaderTest(contract);
  return {
    redact: { paths: credentialHeaders(contract).flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]), censor: REDACTED },
    serializers: { headers: (headers: Record<string, unknown>) => (typeof headers === 'object' && headers !== null ? redactedHeaders(headers, isCredential) : headers) },
  };
}

/**
 * Builds the sandbox: the contract drives every route, the scenarios and the tenant's world
 * decide every answer. Its callers listen: `src/server.ts` (the command) and `startSandbox` (src/index.ts); tests use `inject`.
 */
export async function buildApp(config: SandboxConfig, options: AppOptions = {}): Promise<FastifyInstance> {
  const contract = options.contract ?? (await loadContract(config.contract));
  const checks = compileContractChecks(contract);
  checkRulesAgainstContract(contract);
  const load = () => loadScenarios(config.scenarios, contract, checks, config.unknownPromotions, { onlyOwn: config.onlyOwnScenarios });
  const scenarios = new LiveScenarios(await load(), config.unknownPromotions);
  const accounts: readonly Account[] = config.auth === 'accounts' && config.accounts ? await loadAccounts(config.accounts) : [];
  const { store, sharedRateLimit }: OpenedStore = options.store ? { store: options.store } : await openStore(config);
  const identifier = createIdentifier(config.auth, accounts, store);
  const requestsPerMinute = config.rateLimit ?? contractRateLimit(contract);

  const respondToError = errorResponder(contract.catalogue, store);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...logRedaction(contract),
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request comes from request-log.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
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
  app.decorate('sandboxSummary', () => ({ scenarios: scenarios.set.scenarios.length, accounts: accounts.length }));
  app.decorateRequest('tenant', undefined);
  app.decorateRequest('answerCode', undefined);
  app.decorateRequest('envelopeSent', false);
  app.decorateRequest('scenarioName', undefined);
  app.decorateRequest('refusedBeforeOperation', false);
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('keyRateLimit', undefined);
  app.decorateRequest('rawBody', undefined);
  app.addHook('onClose', async () => store.close());

  registerRequestId(app);
  // First after the request id: preflights are answered before anything else looks at a call,
  // and every answer to an allowed page (refusals too) carries the headers it needs to read it.
  if (config.cors) await registerCors(app, contract, config.cors);
  registerUrlLimit(app, contract.catalogue);
  registerRequestLog(app, config.logLevel);
  registerClosingConnections(app);
  registerBodyParsers(app, contract.catalogue);
  registerErrorHandler(app, respondToError);
  // Without an operator token the operator calls do not exist: not even a 405 tells of them;
  // without --metrics, neither does /metrics.
  const serves = (operation: Operation) =>
    (config.adminToken !== undefined || !operation.tags.includes(TAGS.operator)) && (config.metrics || operation.operationId !== METRICS_OPERATION);
  registerNotFound(app, contract.operations.filter(serves), contract.catalogue);
  // The docs page's paths are the contract's too (a POST to them gets 405 above), but their routes are its own.
  const routed = (operation: Operation) => serves(operation) && !operation.servedByDocsPage;
  if (config.validateResponses || options.onResponseMismatch) {
    registerResponseCheck(app, checks, (mismatch) => {
      app.log.error({ mismatch }, 'answer does not match the contract');
      options.onResponseMismatch?.(mismatch);
    });
  }
  // Budgets per key: the API key's (the credential, not the session), a credential's sandbox
  // calls, the token call's caller; in the store's backend when replicas share one, so that N
  // processes hold one budget. One counter per key kept in memory: as many as there can be tenants.
  const limits = new RateLimits(contract.catalogue, { keys: Math.max(5_000, config.maxTenants), ...(sharedRateLimit ? { shared: sharedRateLimit } : {}) });
  const limiter = limits.apiKeys(requestsPerMinute);
  const sandboxCalls = limits.budget('sandbox', (request) => request.apiKey ?? addressOf(request), () => config.adminRateLimit);
  const tokenCallers = limits.budget('token-address', addressOf, () => requestsPerMinute);
  const refused = new RefusedCredentials(limits, config.authFailureLimit, Math.max(5_000, config.maxTenants));
  let served: { set: unknown; document: ReturnType<typeof servedDocument> } | undefined;
  await registerDocsPage(app, () => {
    if (served?.set !== scenarios.set) served = { set: scenarios.set, document: servedDocument(contract, scenarios.set) };
    return served.document;
  }, docsPageFacts(contract.operations, contract.document));
  const metrics = config.metrics ? answerMetrics(store) : undefined;
  const successes = await SuccessAnswers.of(contract, config.seed);
  const sprinkle = sprinkleErrors(store, { rate: config.errorRate, seed: config.errorSeed });
  const decide = decideAnswer(scenarios, store, contract.catalogue, successes, REQUIRED_KEYS.unknownScenario, sprinkle);
  registerApiRoutes(app, {
    contract,
    checks,
    decide,
    builtIns: {
      ...healthHandlers(contract.catalogue, () => store.readiness(), config.redisCluster ? 'redis-cluster' : config.redis ? 'redis' : 'memory'),
      ...adminHandlers(contract, scenarios, store, REQUIRED_KEYS.unknownScenario, config.unknownPromotions, config.clock),
      ...errorRateHandlers(store, { rate: config.errorRate, seed: config.errorSeed }),
      ...oauthTokenHandlers(identifier, store, contract.catalogue, config.tokenTtl, { limits, requestsPerMinute, refused }),
      ...operatorHandlers(store, contract.catalogue),
      ...metrics?.handlers,
      ...postmanCollectionHandlers(contract, scenarios, { checks, success: (operation) => successes.of(operation) }, config.publicUrl),
    },
    identifier,
    adminToken: config.adminToken,
    serves: routed,
    metrics,
    limiter,
    sandboxCalls,
    tokenCallers,
    refused,
    labelInvalid: invalidRequestScenario(scenarios),
    store,
  });
  if (config.watch) {
    const stop = watchScenarios(config.scenarios, load, (set) => scenarios.replace(set), app.log);
    app.addHook('onClose', (_instance, done) => {
      stop();
      done();
    });
  }
  return app;
}

/** The contract's documented budget (`x-rate-limit.requestsPerMinute`), else the docs' 1,000. */
function contractRateLimit(contract: Contract): number {
  const declared = (contract.document as { 'x-rate-limit'?: { requestsPerMinute?: unknown } })['x-rate-limit']?.requestsPerMinute;
  // Whole calls, as the limiter counts them (a contract of one's own may say 2.5 or .inf).
  return typeof declared === 'number' && Number.isFinite(declared) && declared >= 1 ? Math.floor(declared) : 1000;
}

/** Every refusal a domain rule can make must be documented for its operation (stripe-mock style). */
function checkRulesAgainstContract(contract: Contract): void {
  const problems: string[] = [];
  for (const [operationId, rule] of Object.entries(OPERATION_RULES)) {
    const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
    if (!operation) continue;
    for (const key of rule.refusals) {
      if (!operation.errors.some((entry) => entry.key === key)) problems.push(`${operationId}: the rules refuse with ${key}, which it does not document`);
    }
  }
  if (problems.length > 0) throw new ContractError(contract.sourcePath, problems);
}
