import type { Identifier } from '../../auth/identify.js';
import type { SandboxConfig } from '../../config.js';
import { REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { ContractChecks } from '../../contract/contract-checks.js';
import type { Contract } from '../../contract/load-contract.js';
import type { SuccessAnswers } from '../../contract/success-answers.js';
import type { LiveScenarios } from '../../scenarios/live-scenarios.js';
import type { TenantStore } from '../../world/tenant-store.js';
import type { Budgets } from '../budgets.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { adminHandlers } from './admin-api.js';
import { errorRateHandlers } from './error-rate-api.js';
import { healthHandlers } from './health.js';
import type { AnswerMetrics } from './metrics.js';
import { oauthTokenHandlers } from './oauth-token.js';
import { operatorHandlers } from './operator-api.js';
import { postmanCollectionHandlers } from './postman-collection-handler.js';

export interface SandboxApiDeps {
  readonly contract: Contract;
  readonly checks: ContractChecks;
  readonly scenarios: LiveScenarios;
  readonly store: TenantStore;
  readonly identifier: Identifier;
  readonly successes: SuccessAnswers;
  readonly budgets: Budgets;
  /** With `--metrics`: its operation's handler. */
  readonly metrics: AnswerMetrics | undefined;
}

/** The settings the sandbox's own operations answer from. */
export type SandboxApiSettings = Pick<SandboxConfig, 'redis' | 'redisCluster' | 'unknownPromotions' | 'clock' | 'errorRate' | 'errorSeed' | 'tokenTtl' | 'publicUrl'>;

/**
 * The sandbox's own operations (admin, operator, OAuth token, health, metrics, Postman, error
 * rate), by operationId. They are operations of the contract like the vendor's: their routes,
 * admission and validation are api-routes.ts's, and these are the built-in handlers they end in.
 */
export function sandboxApi(deps: SandboxApiDeps, config: SandboxApiSettings): BuiltInHandlers {
  const { contract, scenarios, store, budgets } = deps;
  const errorRate = { rate: config.errorRate, seed: config.errorSeed };
  return {
    ...healthHandlers(contract.catalogue, () => store.readiness(), config.redisCluster ? 'redis-cluster' : config.redis ? 'redis' : 'memory'),
    ...adminHandlers(contract, scenarios, store, REQUIRED_KEYS.unknownScenario, config.unknownPromotions, config.clock),
    ...errorRateHandlers(store, errorRate),
    ...oauthTokenHandlers(deps.identifier, store, contract.catalogue, config.tokenTtl, { limits: budgets.limits, requestsPerMinute: budgets.requestsPerMinute, refused: budgets.refused }),
    ...operatorHandlers(store, contract.catalogue),
    ...deps.metrics?.handlers,
    ...postmanCollectionHandlers(contract, scenarios, { checks: deps.checks, success: (operation) => deps.successes.of(operation) }, config.publicUrl),
  };
}
