import type { DecideOutcome } from './answer/outcome.js';
import { checkRulesAgainstContract } from './answer/check-rules-against-contract.js';
import { decideAnswer } from './answer/decide-answer.js';
import { sprinkleErrors } from './answer/error-rate.js';
import { type Account, loadAccounts } from './auth/accounts-file.js';
import { type Identifier, createIdentifier } from './auth/identify.js';
import type { SandboxConfig } from './config.js';
import { REQUIRED_KEYS } from './contract/catalogue.js';
import { type ContractChecks, compileContractChecks } from './contract/contract-checks.js';
import { type Contract, loadContract } from './contract/load-contract.js';
import { SuccessAnswers } from './contract/success-answers.js';
import { type AddressLocks, sharedAddressLocks } from './http/address-locks.js';
import { type Budgets, budgets } from './http/budgets.js';
import { type AnswerMetrics, answerMetrics } from './http/sandbox-api/metrics.js';
import { openStore } from './open-store.js';
import { LiveScenarios } from './scenarios/live-scenarios.js';
import { loadScenarios } from './scenarios/load-scenarios.js';
import type { ScenarioSet } from './scenarios/scenario-set.js';
import type { TenantStore } from './world/tenant-store.js';

/** What the app's plugins and routes are made of, made once from the configuration. */
export interface AppDeps {
  readonly contract: Contract;
  readonly checks: ContractChecks;
  readonly scenarios: LiveScenarios;
  /** Reads the scenarios folder again (--watch). */
  readonly loadScenarios: () => Promise<ScenarioSet>;
  readonly accounts: readonly Account[];
  readonly store: TenantStore;
  readonly identifier: Identifier;
  readonly budgets: Budgets;
  /** With replicas on one Redis: the address locks they share (closed with the app). */
  readonly addressLocks: AddressLocks | undefined;
  readonly successes: SuccessAnswers;
  /** What a valid vendor call gets: a scenario, a pin, magic values, the error rate, the world. */
  readonly decide: DecideOutcome;
  /** With `--metrics`: counts each operation's answers. */
  readonly metrics: AnswerMetrics | undefined;
}

/** What a caller may hand in already made (tests): else it is made from the configuration. */
export interface GivenDeps {
  readonly contract?: Contract;
  readonly store?: TenantStore;
}

/**
 * The contract (checked against the rules), the scenarios checked against it, the accounts, the
 * tenants' store, the budgets and the decision, in the order each needs the one before.
 */
export async function buildAppDeps(config: SandboxConfig, given: GivenDeps = {}): Promise<AppDeps> {
  const contract = given.contract ?? (await loadContract(config.contract));
  const checks = compileContractChecks(contract);
  checkRulesAgainstContract(contract);
  const load = () => loadScenarios(config.scenarios, contract, checks, config.unknownPromotions, { onlyOwn: config.onlyOwnScenarios });
  const scenarios = new LiveScenarios(await load(), config.unknownPromotions);
  const accounts: readonly Account[] = config.auth === 'accounts' && config.accounts ? await loadAccounts(config.accounts) : [];
  const { store, sharedRateLimit } = given.store ? { store: given.store, sharedRateLimit: undefined } : await openStore(config);
  const identifier = createIdentifier(config.auth, accounts, store);
  const successes = await SuccessAnswers.of(contract, config.seed);
  const sprinkle = sprinkleErrors(store, { rate: config.errorRate, seed: config.errorSeed });
  const budgetSet = budgets(contract, config, sharedRateLimit);
  // Replicas on one Redis refuse a guessing address as soon as any of them locks it out.
  const addressLocks = sharedRateLimit ? await sharedAddressLocks(sharedRateLimit.redis, sharedRateLimit.nameSpace, (address, until) => budgetSet.refused.lockUntil(address, until)) : undefined;
  if (addressLocks) budgetSet.refused.announceLocksTo((address, until) => addressLocks.announce(address, until));
  return {
    contract,
    checks,
    scenarios,
    loadScenarios: load,
    accounts,
    store,
    identifier,
    budgets: budgetSet,
    addressLocks,
    successes,
    decide: decideAnswer(scenarios, store, contract.catalogue, successes, REQUIRED_KEYS.unknownScenario, sprinkle),
    metrics: config.metrics ? answerMetrics(store) : undefined,
  };
}
