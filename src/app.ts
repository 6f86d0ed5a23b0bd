import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { SandboxConfig } from './config.js';
import { registerApiRoutes } from './http/api-routes.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { registerClosingConnections } from './http/closing.js';
import { registerDocsPage } from './http/docs-page.js';
import { errorResponder, registerErrorHandler } from './http/error-handler.js';
import './http/fastify-types.js';
import { healthHandlers } from './http/health.js';
import { registerNotFound } from './http/not-found.js';
import { generateRequestId, registerRequestId } from './http/request-id.js';
import { registerRequestLog } from './http/request-log.js';
import { type ResponseMismatch, registerResponseCheck } from './http/response-check.js';
import { type DecideOutcome, documentedSuccess } from './outcome.js';
import { type Contract, loadContract } from './spec/load-contract.js';
import { compileContractChecks } from './spec/contract-checks.js';
import { servedDocument } from './spec/served-document.js';

export interface AppOptions {
  /** An already loaded contract (tests load one once); else `config.contract` is read. */
  readonly contract?: Contract;
  /** Called for every answer that does not match the contract (tests fail on it). */
  readonly onResponseMismatch?: (mismatch: ResponseMismatch) => void;
  /** Where log lines go (default stdout); tests read them to check what is logged. */
  readonly logStream?: NodeJS.WritableStream;
}

/** Credentials never reach a log line, whatever a future change decides to log. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-cap-api-oauth-token"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-cap-api-oauth-token"]',
];

/**
 * Builds the sandbox: the contract drives every API route. `src/server.ts` is the only caller
 * that listens; tests use `inject`.
 */
export async function buildApp(config: SandboxConfig, options: AppOptions = {}): Promise<FastifyInstance> {
  const contract = options.contract ?? (await loadContract(config.contract));
  const checks = compileContractChecks(contract);
  const respondToError = errorResponder(contract.catalogue);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request comes from request-log.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors raised before routing (a malformed URL) get the same envelope as any other.
    frameworkErrors: (error, request, reply) => {
      respondToError(error, request, reply);
    },
  });
  app.decorateRequest('tenant', undefined);
  app.decorateRequest('answerCode', undefined);
  app.decorateRequest('envelopeSent', false);

  registerRequestId(app);
  registerRequestLog(app);
  registerClosingConnections(app);
  registerBodyParsers(app, contract.catalogue);
  registerErrorHandler(app, contract.catalogue);
  registerNotFound(app, contract.operations);
  if (config.validateResponses || options.onResponseMismatch) {
    registerResponseCheck(app, checks, (mismatch) => {
      app.log.error({ mismatch }, 'answer does not match the contract');
      options.onResponseMismatch?.(mismatch);
    });
  }
  await registerDocsPage(app, servedDocument(contract));
  const decide: DecideOutcome = documentedSuccess(contract, config.seed);
  registerApiRoutes(app, contract, checks, decide, healthHandlers(contract.catalogue, () => ({ ready: true })));
  return app;
}
