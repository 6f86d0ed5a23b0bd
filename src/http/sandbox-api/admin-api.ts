import type { FastifyReply } from 'fastify';
import { documentedAnswers } from '../../client/documented-answers.js';
import { coverageReport } from './coverage-report.js';
import type { LiveScenarios } from '../../scenarios/live-scenarios.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { magicByOperation } from '../../contract/magic-reach.js';
import { REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { Contract } from '../../contract/load-contract.js';
import type { Operation } from '../../contract/operations.js';
import { type CustomerNow, holdsAt, type PromotionNow, UNTIL_RESET, type UnknownPromotions } from '../../world/model.js';
import type { ClockStore } from '../../world/clock-store.js';
import { type ClockMode, type ClockMove, type ClockReading, clockView, planMove } from '../../world/tenant-clock.js';
import type { TenantChanges } from '../../world/tenant-changes.js';
import type { ChangeStore } from '../../world/change-store.js';
import type { CoverageStore } from '../../world/coverage-store.js';
import type { JournalStore } from '../../world/journal-store.js';
import type { Pin, PinStore } from '../../world/pin-store.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer, sendCatalogueError } from '../envelope.js';
import { isJournaled } from '../journal.js';
import { journalFilterOf } from '../request-filter.js';

const ok = (reply: FastifyReply, data: unknown): FastifyReply => sendAnswer(reply, 200, { data, errors: [] });

/**
 * The sandbox's admin API under /__sandbox/, per tenant: the tenant is the caller's credential
 * (refined by X-Sandbox-Session), so no call here can read or change another tenant's state.
 */
export function adminHandlers(
  contract: Contract,
  scenarios: LiveScenarios,
  store: ChangeStore & ClockStore & PinStore & JournalStore & CoverageStore,
  unknownScenarioKey: string,
  unknownPromotions: UnknownPromotions,
  clockMode: ClockMode,
): BuiltInHandlers {
  const unknownScenario = contract.catalogue.get(unknownScenarioKey);
  const invalidInput = contract.catalogue.get(REQUIRED_KEYS.invalidInput);
  const journaled = contract.operations.filter(isJournaled).map((operation) => operation.operationId);
  const answers = documentedAnswers(contract);
  return {
    listScenarios: async (_call, reply) => ok(reply, scenarios.set.scenarios.map((scenario) => describeScenario(scenario, contract.operations))),

    getPinnedScenario: async (call, reply) => ok(reply, pinView(await store.pin(call.tenant))),

    pinScenario: async (call, reply) => {
      const { name, operation, count } = call.body as { name: string; operation?: string; count?: number };
      const scenario = scenarios.set.byName(name);
      const problem = !scenario
        ? `Scenario ${JSON.stringify(name)} does not exist. Scenarios: ${scenarios.set.scenarios.map((s) => s.name).join(', ')}.`
        : operation !== undefined && !scenario.operations.includes(operation)
          ? `Scenario ${name} is not for ${JSON.stringify(operation)}; it is for ${scenario.operations.join(', ')}.`
          : undefined;
      if (problem) return sendCatalogueError(reply, unknownScenario, `${unknownScenario.message} ${problem}`);
      const pin: Pin = { scenario: name, ...(operation === undefined ? {} : { operationId: operation }), ...(count === undefined ? {} : { remaining: count }) };
      await store.setPin(call.tenant, pin);
      return ok(reply, pinView(pin));
    },

    unpinScenario: async (call, reply) => {
      await store.setPin(call.tenant, undefined);
      return ok(reply, true);
    },

    resetTenant: async (call, reply) => {
      await store.reset(call.tenant);
      return ok(reply, true);
    },

    getTenantState: async (call, reply) => {
      const [changes, clock] = await Promise.all([store.changes(call.tenant), store.clock(call.tenant)]);
      return ok(reply, stateView(scenarios, changes, clock, unknownPromotions, clockMode));
    },

    getClock: async (call, reply) => ok(reply, clockView(await store.clock(call.tenant), clockMode)),

    moveClock: async (call, reply) => {
      // The contract has checked the body: exactly one of advanceSeconds (bounded) and time (a date-time).
      const moved = await store.moveClock(call.tenant, (reading) => planMove(reading, call.body as ClockMove));
      if ('problem' in moved) return sendCatalogueError(reply, invalidInput, `${invalidInput.message} ${moved.problem}`);
      return ok(reply, clockView(moved, clockMode));
    },

    listRequests: async (call, reply) => {
      const filter = journalFilterOf(call.values);
      const problem =
        filter.operationId !== undefined && !journaled.includes(filter.operationId)
          ? `Query parameter operationId must be one of the operations the history records: ${journaled.join(', ')} (got ${JSON.stringify(filter.operationId)}).`
          : filter.scenario !== undefined && !scenarios.set.byName(filter.scenario)
            ? `Query parameter scenario must name a scenario: ${scenarios.set.scenarios.map((scenario) => scenario.name).join(', ')} (got ${JSON.stringify(filter.scenario)}).`
            : undefined;
      if (problem) return sendCatalogueError(reply, invalidInput, `${invalidInput.message} ${problem}`);
      const page = await store.journal(call.tenant, filter);
      if (page) return ok(reply, page);
      return sendCatalogueError(
        reply,
        invalidInput,
        `${invalidInput.message} Query parameter since names request ${JSON.stringify(call.values.since)}, which this tenant's history does not hold (another tenant's, or gone past --journal-size).`,
      );
    },

    clearRequests: async (call, reply) => {
      await store.clearJournal(call.tenant);
      return ok(reply, true);
    },

    getCoverage: async (call, reply) => ok(reply, coverageReport(answers, await store.coverage(call.tenant))),

    clearCoverage: async (call, reply) => {
      await store.clearCoverage(call.tenant);
      return ok(reply, true);
    },
  };
}

/**
 * A scenario as the admin API and the docs list it. Its HTTP status is that of the entry its
 * operations document under its code (a code names one entry per operation, not catalogue-wide).
 */
export function describeScenario(scenario: Scenario, operations: readonly Operation[]) {
  const entry = operations
    .filter((operation) => scenario.operations.includes(operation.operationId))
    .flatMap((operation) => operation.errors)
    .find((candidate) => candidate.code === scenario.code);
  return {
    name: scenario.name,
    description: scenario.description,
    operations: [...scenario.operations],
    code: scenario.code ?? null,
    httpStatus: scenario.code === undefined ? null : (entry?.httpStatus ?? scenario.code),
    // By the operations the values reach: one without a parameter they name never matches them.
    magic: magicByOperation(scenario, operations),
    forced: scenario.forced ? { ...scenario.forced, ...(scenario.forced.sequence ? { sequence: [...scenario.forced.sequence] } : {}) } : null,
    source: scenario.source,
  };
}

function pinView(pin: Pin | undefined) {
  return pin ? { scenario: pin.scenario, operationId: pin.operationId ?? null, remaining: pin.remaining ?? null } : null;
}

/** An end as the state shows it: a time, or `until-reset` for one that never comes by itself. */
const endText = (end: number): string => (end === Number.POSITIVE_INFINITY ? UNTIL_RESET : new Date(end).toISOString());

/** A promotion as the state shows it at the tenant's time: its job's end while the job runs (validTill as written). */
function promotionView(promotion: PromotionNow, now: number) {
  const { id, type, mode, status, validFrom, validTill, expiryJobEnds } = promotion;
  return {
    id,
    type,
    mode,
    status,
    ...(validFrom === undefined ? {} : { validFrom }),
    ...(validTill === undefined ? {} : { validTill }),
    ...(holdsAt(expiryJobEnds, now) && expiryJobEnds !== undefined ? { expiryJobUntil: endText(expiryJobEnds) } : {}),
  };
}

/** A customer as the state shows it at the tenant's time: the pending cart only while locked. */
function customerView({ pendingCart, ...customer }: CustomerNow, now: number) {
  return { ...customer, ...(pendingCart && holdsAt(pendingCart.lockedUntil, now) ? { pendingCart: { evaluationId: pendingCart.evaluationId, lockedUntil: endText(pendingCart.lockedUntil) } } : {}) };
}

function stateView(scenarios: LiveScenarios, changes: TenantChanges, clock: ClockReading, unknownPromotions: UnknownPromotions, clockMode: ClockMode) {
  const world = scenarios.seed.viewWith(changes, clock.start);
  const setup = scenarios.set.world;
  return {
    unknownPromotions,
    clock: clockView(clock, clockMode),
    promotions: [
      ...setup.promotions.map((promotion) => world.promotion(promotion.id)),
      // Promotions the world did not know until this tenant deactivated them.
      ...[...changes.inactivePromotions].filter((id) => !setup.promotions.some((promotion) => promotion.id === id)).map((id) => world.promotion(id)),
    ]
      .filter((promotion) => promotion !== undefined)
      .map((promotion) => promotionView(promotion, clock.now)),
    customers: setup.customers.map((customer) => world.customer(customer.id)).filter((customer) => customer !== undefined).map((customer) => customerView(customer, clock.now)),
    earns: setup.earns.map((earn) => world.earn(earn.id)),
    absentPromotions: setup.absentPromotions,
    changes: {
      inactivePromotions: [...changes.inactivePromotions],
      inactiveParticipations: [...changes.inactiveParticipations].map((key) => {
        const [customerId = '', promotionId = ''] = key.split('/');
        return { customerId, promotionId };
      }),
      inactiveEarns: [...changes.inactiveEarns],
    },
  };
}
