import { OPERATION_RULES, type OperationRule } from '../rules/operation-rules.js';
import { canonicalTexts } from '../world/model.js';
import type { LiveScenarios } from '../scenarios/live-scenarios.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { DecideOutcome, Outcome, ValidCall } from './outcome.js';
import type { SuccessAnswers } from '../contract/success-answers.js';
import type { Answer } from '../contract/success-answer.js';
import { type Catalogue, documentedError, entryFor } from '../contract/catalogue.js';
import type { ChangeStore } from '../world/change-store.js';
import type { ChangeReads } from '../world/tenant-changes.js';
import type { Decision } from '../world/decision.js';
import type { PinStore } from '../world/pin-store.js';
import type { SequenceStore } from '../world/sequence-store.js';
import { requestedScenario } from './choose-scenario.js';
import type { SprinkleErrors } from './error-rate.js';
import type { OneTripCalls, TenantGuess } from '../world/one-trip.js';
import type { Pin } from '../world/pin-store.js';
import { type Awaitable, andThen } from '../awaitable.js';

/**
 * How the call reads and writes its tenant: in steps through the store, or on a guess settled in
 * one trip. Each step answers at once where it can (in memory, on a guess), so that such a call
 * makes no promise: docs/performance.md#a-call-in-memory-makes-no-promise
 */
interface TenantAccess {
  takePin(call: ValidCall, applies: (pin: Pin) => boolean, reads: ChangeReads | undefined): Awaitable<Pin | undefined>;
  sprinkle(call: ValidCall): Awaitable<Outcome | undefined>;
  world(call: ValidCall, rule: OperationRule, texts: Record<string, string | undefined>, reads: ChangeReads | undefined): Awaitable<Decision>;
  nextInSequence(call: ValidCall, scenario: string): Awaitable<number>;
}

/** What one call's decision works with, read from the call once. */
interface Deciding {
  readonly call: ValidCall;
  readonly set: LiveScenarios['set'];
  /** The scenario the request itself asked for (X-Sandbox-Scenario, Prefer). */
  readonly asked: Scenario | undefined;
  readonly rule: OperationRule | undefined;
  readonly texts: Record<string, string | undefined>;
  readonly reads: ChangeReads | undefined;
}

/** Thrown by a guess's access for what only steps can do (a sequence's position): nothing was written yet. */
const IN_STEPS = new Error('made in steps');

/**
 * Decides the answer to a valid call, in the documented order (authentication, rate limit and
 * contract validation came before):
 *   1. a scenario asked for on the request (X-Sandbox-Scenario, then Prefer: code=N),
 *      else one pinned for the tenant;
 *   2. magic values in the call's parameters;
 *   3. the tenant's world at the tenant's time, through the domain rules; a success changes the world.
 * A forced scenario answers its code whatever the world holds. A forced success changes the
 * world only where the world itself would have answered success at the tenant's time: the world
 * only ever holds states its rules can reach (a POS promotion never holds a deactivation, and
 * plain calls on it keep answering 707).
 */
export function decideAnswer(
  scenarios: LiveScenarios,
  store: ChangeStore & PinStore & SequenceStore & Partial<OneTripCalls>,
  catalogue: Catalogue,
  successes: SuccessAnswers,
  unknownScenarioKey: string,
  sprinkle?: SprinkleErrors,
): DecideOutcome {
  const unknownScenario = catalogue.get(unknownScenarioKey);
  const oneTrip = store.guess && store.settle ? (store as OneTripCalls) : undefined;
  /** The store, one step at a time (one object for every call: nothing in it is the call's). */
  const storeSteps: TenantAccess = {
    takePin: ({ tenant }, applies, reads) => store.takePin(tenant, applies, reads),
    sprinkle: (call) => (sprinkle ? sprinkle(call, scenarios.set) : undefined),
    world: ({ tenant }, rule, texts, reads) => decideInWorld(tenant, rule, texts, reads),
    nextInSequence: ({ tenant }, scenario) => store.nextInSequence(tenant, scenario),
  };

  return (call, inSteps = false) => {
    const { operation, tenant } = call;
    const set = scenarios.set;
    const rule = OPERATION_RULES[operation.operationId];
    const texts = canonicalTexts(call.texts);

    const asked = requestedScenario(operation, call.headers, set);
    if (asked && 'problem' in asked) return { kind: 'error', error: unknownScenario, message: `${unknownScenario.message} ${asked.problem}` };
    // What the world's decision reads, known before the pin is: a store may fetch both at once.
    const reads = rule?.reads(texts);
    const deciding: Deciding = { call, set, asked: asked?.scenario, rule, texts, reads };
    const guess = inSteps || !oneTrip || sprinkle?.byDefault ? undefined : oneTrip.guess(tenant, reads);
    if (!guess) return decideInSteps(deciding);
    // Decided on the guess; the caller settles it in one trip (one-trip.ts), or asks again in steps.
    const settled = guessAccess(guess);
    try {
      // The guess answers every step at once (guessAccess): the outcome is a value.
      const outcome = decideWith(settled.access, deciding);
      if (outcome instanceof Promise) throw new Error('a decision on a guess waited for its store');
      if (outcome.pending) throw new Error('a decision on a guess came with a settlement of its own');
      const pending = { guess, assumed: asked ? 0 : settled.sprinkleAssumed() ? 2 : 1, worldRead: settled.worldRead(), change: settled.change() } as const;
      // `pending` first: the outcome has none to override. Shaped for speed: docs/performance.md#objects-made-per-call-name-their-fields
      return { pending, ...outcome };
    } catch (error) {
      if (error === IN_STEPS) return decideInSteps(deciding);
      throw error;
    }
  };

  /** In steps through the store, once the call is counted where admission left its count to this step. */
  function decideInSteps(deciding: Deciding): Awaitable<Outcome> {
    const { countFirst } = deciding.call;
    if (!countFirst) return decideWith(storeSteps, deciding);
    return countFirst().then((refused) => refused ?? decideWith(storeSteps, deciding));
  }

  /** The guess, read without a round trip: no pin, no error rate, the world as last seen; what it decides is settled later. */
  function guessAccess(guess: TenantGuess) {
    let decision: Decision | undefined;
    let sprinkleAssumed = false;
    const access: TenantAccess = {
      takePin: () => undefined,
      sprinkle: () => {
        sprinkleAssumed = sprinkle !== undefined;
        return undefined;
      },
      world: (_call, rule, texts) => {
        decision = rule.decide(scenarios.seed.viewWith(guess.changes, guess.clock.start), texts, guess.clock.now);
        return decision;
      },
      nextInSequence: () => {
        throw IN_STEPS;
      },
    };
    return { access, sprinkleAssumed: () => sprinkleAssumed, worldRead: () => decision !== undefined, change: () => (decision?.accepted ? decision.change : undefined) };
  }

  /** 1. A scenario the request asked for, else the tenant's pin that applies to the call. */
  function decideWith(access: TenantAccess, deciding: Deciding): Awaitable<Outcome> {
    const { call, set, asked, reads } = deciding;
    if (asked) return forcedAnswer(access, asked, deciding);
    const { operationId } = call.operation;
    const pinned = access.takePin(call, (pin) => {
      const scenario = set.byName(pin.scenario);
      return scenario !== undefined && scenario.operations.includes(operationId) && (pin.operationId ?? operationId) === operationId;
    }, reads);
    return andThen(pinned, (pin) => {
      const forced = pin ? set.byName(pin.scenario) : undefined;
      return forced ? forcedAnswer(access, forced, deciding) : unforced(access, deciding);
    });
  }

  /** 2. Magic values, then a documented error at the tenant's rate (error-rate.ts), then the world. */
  function unforced(access: TenantAccess, deciding: Deciding): Awaitable<Outcome> {
    const { call, set, texts } = deciding;
    const magic = set.matchMagic(call.operation.operationId, texts);
    if (magic?.forced) return forcedAnswer(access, magic, deciding);
    // The world unchanged by a sprinkled error; a call a magic value names is never sprinkled.
    if (magic) return fromWorld(access, deciding, magic);
    return andThen(access.sprinkle(call), (sprinkled) => sprinkled ?? fromWorld(access, deciding, undefined));
  }

  /** 3. The tenant's world at the tenant's time, through the operation's rule. */
  function fromWorld(access: TenantAccess, { call, rule, texts, reads }: Deciding, magic: Scenario | undefined): Awaitable<Outcome> {
    const { operation } = call;
    if (!rule) return answered(successes.of(operation), magic?.name);
    return andThen(access.world(call, rule, texts, reads), (decision): Outcome => {
      // The world answers or refuses; only a scenario drops a connection.
      if (decision.accepted) {
        const success = successes.of(operation);
        return answered(successAnswer(success, decision), magic && magic.code === success.statusCode ? magic.name : undefined);
      }
      const error = entryFor(operation, catalogue, decision.refusal);
      return magic && magic.code === error.code ? { kind: 'error', error, scenario: magic.name } : { kind: 'error', error };
    });
  }

  /**
   * The world's own decision at the tenant's time (its clock as the store holds it, read with the
   * changes); the store makes its change only if it is a success.
   */
  function decideInWorld(tenant: string, rule: OperationRule, texts: Record<string, string | undefined>, reads: ChangeReads | undefined): Awaitable<Decision> {
    const seed = scenarios.seed;
    return store.transact(tenant, (changes, clock) => rule.decide(seed.viewWith(changes, clock.start), texts, clock.now), reads);
  }

  /** A scenario's answer: a dropped connection, or its code (the next of its sequence), after its delay. */
  function forcedAnswer(access: TenantAccess, scenario: Scenario, deciding: Deciding): Awaitable<Outcome> {
    const { name } = scenario;
    const delayMs = scenario.forced?.latencyMs || undefined;
    if (scenario.forced?.dropConnection) return { kind: 'drop', scenario: name, delayMs };
    const sequence = scenario.forced?.sequence;
    if (!sequence) return answerCode(access, scenario, deciding, scenario.code, delayMs);
    return andThen(access.nextInSequence(deciding.call, name), (position) => answerCode(access, scenario, deciding, sequence[Math.min(position, sequence.length - 1)], delayMs));
  }

  function answerCode(access: TenantAccess, { name }: Scenario, { call, rule, texts, reads }: Deciding, code: number | undefined, delayMs: number | undefined): Awaitable<Outcome> {
    // Each outcome below in one literal, as answered() explains; delayMs undefined is no delay.
    const success = successes.of(call.operation);
    if (code === success.statusCode) {
      // Sent whatever the world decides: the world changes only as a plain call would change it,
      // and a success of its own answers its data (else, the world refusing, the example).
      return andThen(rule ? access.world(call, rule, texts, reads) : undefined, (decision): Outcome => {
        const { body, text } = decision ? successAnswer(success, decision) : success;
        return { kind: 'answer', statusCode: success.statusCode, body, text, scenario: name, delayMs };
      });
    }
    const error = documentedError(call.operation, code);
    if (!error) throw new Error(`scenario ${name} answers ${String(code)}, which ${call.operation.operationId} does not document`);
    return { kind: 'error', error, scenario: name, delayMs };
  }
}

/** The decision's data in the success envelope, else (no data, or a refusal) the contract's example. */
function successAnswer(example: Answer, decision: Decision): Answer {
  if (!decision.accepted || decision.data === undefined) return example;
  const body = { data: decision.data, errors: [] };
  return { statusCode: example.statusCode, body, text: JSON.stringify(body) };
}

/** An answer's outcome. Shaped for speed: docs/performance.md#objects-made-per-call-name-their-fields */
function answered(answer: Answer, scenario: string | undefined): Outcome {
  return scenario === undefined
    ? { kind: 'answer', statusCode: answer.statusCode, body: answer.body, text: answer.text }
    : { kind: 'answer', statusCode: answer.statusCode, body: answer.body, text: answer.text, scenario };
}
