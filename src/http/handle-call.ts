import type { FastifyError, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import type { DecideOutcome, Outcome, PendingSettlement, ValidCall } from '../answer/outcome.js';
import type { OneTripCalls } from '../world/one-trip.js';
import type { Operation } from '../contract/operations.js';
import type { ParameterTexts, RawRequest, RequestValidator, RequestValidation } from '../contract/request-validator.js';
import { type Awaitable, andThen } from '../awaitable.js';
import { unhandled } from '../unhandled.js';
import { type CallHooks, startCall } from './call-hooks.js';
import { sendAnswer, sendCatalogueError, sendErrors } from './envelope.js';
import type { OperationJournal } from './journal.js';
import type { ApiRateLimiter, RateLimiter, Refusal } from './rate-limit.js';
import type { RefusedCredentials } from './refused-credentials.js';

/**
 * One call of an operation of the contract, from its arrival to its answer. What decides the
 * answer, in order (PRODUCT.md); the first stage that answers ends the call:
 *   1. Authentication (401), then the rate limit (429)                          → admit
 *   2. Contract validation of the request (400 / 725), whatever scenario was asked → validate
 *   3. A scenario forced on this request, else one pinned for this tenant          → decide
 *   4. Magic values, then a documented error at the tenant's error rate, then the
 *      tenant's world at the tenant's time (the rules; a success changes it)       → decide
 *   5. Success, `{"data": true, "errors": []}`                                     → decide
 * and deliver sends what was decided (after a scenario's delay) in the envelope, or drops it.
 *
 * Around the order: a browser's preflight (--cors) is answered before all of it (cors.ts); an
 * address past its refused credentials for the minute gets 429 before authentication
 * (refused-credentials.ts); the sandbox's own operations (tag `sandbox`) are answered by their
 * built-in handler once valid, in place of 3 to 5.
 *
 * The split: `admit` runs as the route's onRequest hook, before Fastify reads the body (too large
 * 413, another content type 415, malformed JSON 400), so that a call refused by it costs no
 * parsing and its answer never depends on its body; `handleCall` is the route's handler and runs
 * validate → decide → deliver. Its order is this file's, not that of the hooks plugins add.
 *
 * One pass: the vendor's routes run no app hooks. `admit` starts their call (the request id, a URL
 * too long refused: call-hooks.ts) and every answer does what the app's hooks do as it leaves
 * (the journal, the metrics, the response check…) once, where envelope.ts sends it.
 */

/** A step of admission: it answers the call itself (and never calls `next`) when it refuses it. */
export type AdmissionStep = (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction) => void;
/** Answers one of the sandbox's own operations (tag `sandbox`) once the call is valid. */
export type BuiltInHandler = (call: ValidCall, reply: FastifyReply) => Promise<FastifyReply>;
export type BuiltInHandlers = Readonly<Record<string, BuiltInHandler>>;

/**
 * What one operation's calls need, made once per operation when its route is registered
 * (api-routes.ts): nothing here depends on the request.
 */
export interface CallDeps {
  readonly operation: Operation;
  /** The vendor's routes: the app hooks' work, done in the call (call-hooks.ts); the sandbox's own routes run the hooks. */
  readonly hooks: CallHooks | undefined;
  /** Every call that needs a credential: refused while its address is past its refused credentials. */
  readonly refused: RefusedCredentials | undefined;
  /** The check of the operation's `security`: sets the tenant and the API key, or answers 401. */
  readonly authenticate: AdmissionStep | undefined;
  /** The budget this operation's calls count against at admission (the API key's, the sandbox calls', the token caller's). */
  readonly budget: RateLimiter | undefined;
  /**
   * A vendor call on a shared store: its count is left to the store step that settles it in one
   * trip (one-trip.ts), or counted alone where that step is never reached; `budget` is then unset.
   */
  readonly oneTrip: OneTripCalls | undefined;
  /** The contract's check of this operation's request. */
  readonly validate: RequestValidator;
  /** Names the scenario whose magic values a refused request carries, when its code matches. */
  readonly labelInvalid: (operation: Operation, texts: ParameterTexts, code: number | undefined) => string | undefined;
  /** A sandbox operation's own handler; the vendor's operations have none and are decided. */
  readonly builtIn: BuiltInHandler | undefined;
  readonly decide: DecideOutcome;
  /** The API key's budget, whose headers a forced 429 carries. */
  readonly limiter: ApiRateLimiter;
  /** The request history of the vendor's per-customer and global calls. */
  readonly journal: OperationJournal | undefined;
  /** With `--metrics`: counts a call whose connection a scenario drops (no answer, so no onSend). */
  readonly countDrop: ((request: FastifyRequest) => void) | undefined;
}

// ── admit (the route's onRequest hook): refused credentials, authentication, the rate limit ──
export function admit(request: FastifyRequest, reply: FastifyReply, deps: CallDeps, done: HookHandlerDoneFunction): void {
  if (deps.hooks !== undefined && !startCall(request, reply, deps.hooks)) return;
  if (deps.refused?.refusesLocked(request, reply)) return;
  const { authenticate } = deps;
  if (authenticate) authenticate(request, reply, (error) => (error ? done(error) : limit(request, reply, deps, done)));
  else limit(request, reply, deps, done);
}

function limit(request: FastifyRequest, reply: FastifyReply, { budget, oneTrip }: CallDeps, done: HookHandlerDoneFunction): void {
  // Left to the store step that settles the call (or counts it alone where that step is not reached).
  if (oneTrip) request.countPending = true;
  if (!budget) return done();
  let admitted: boolean | Promise<boolean>;
  // Counted at once in memory: a throw here must reach Fastify as an error, also when this runs
  // in the callback of an authentication that waited (a token looked up), where nothing else catches it.
  try {
    admitted = budget.admit(request, reply);
  } catch (error) {
    return done(error as Error);
  }
  if (admitted === true) done();
  else if (admitted !== false)
    admitted.then((counted) => {
      if (counted) done();
    }, done);
}

/**
 * The route's handler: validate → decide → deliver, for an admitted call whose body Fastify has
 * read. A call that waits for nothing (in memory) is answered at once, with no promise made:
 * docs/performance.md#a-call-in-memory-makes-no-promise
 */
export function handleCall(request: FastifyRequest, reply: FastifyReply, deps: CallDeps): Awaitable<FastifyReply> {
  // ── validate: the request against the contract (400, 725), whatever scenario was asked for ──
  const { operation } = deps;
  const validation = deps.validate(request as unknown as RawRequest);
  if (!validation.valid) {
    // The rate limit comes before validation: a refused request is counted before its 400.
    return afterItsCount(request, reply, deps, () => refuseInvalid(validation, request, reply, deps));
  }

  // ── decide: the built-in handler, else a scenario, a pin, magic values, the world (answer/) ──
  // The tenant (the credential, refined by X-Sandbox-Session) was set by authentication.
  request.tenant ??= 'public';
  const call: ValidCall = {
    operation,
    values: validation.values,
    texts: validation.texts,
    body: validation.body,
    tenant: request.tenant,
    headers: request.headers,
    ...(request.countPending ? { countFirst: () => countAlone(request, deps) } : {}),
  };
  if (deps.builtIn) return deps.builtIn(call, reply);
  return andThen(deps.decide(call), (decided) => answerDecided(decided, call, request, reply, deps));
}

/** The contract's 400 (or 725) for a request it refuses, in the envelope, naming the scenario its magic values match. */
function refuseInvalid(validation: Extract<RequestValidation, { valid: false }>, request: FastifyRequest, reply: FastifyReply, deps: CallDeps): FastifyReply {
  const errors = validation.diagnostics.map(({ error, problem }) => ({ code: error.code, message: `${error.message} ${problem}` }));
  request.scenarioName = deps.labelInvalid(deps.operation, validation.texts, errors[0]?.code);
  if (request.scenarioName) reply.header('x-sandbox-scenario', request.scenarioName);
  return sendErrors(reply, validation.diagnostics[0]?.error.httpStatus ?? 400, errors);
}

/**
 * ── deliver ── what was decided; first, on a shared store, the store step it waits for: a
 * decision on a guess is settled, and an answer decided before any store step (an unknown
 * scenario) is counted all the same.
 */
function answerDecided(decided: Outcome, call: ValidCall, request: FastifyRequest, reply: FastifyReply, deps: CallDeps): Awaitable<FastifyReply> {
  if (decided.pending && deps.oneTrip) return settleThenDeliver(decided, decided.pending, deps.oneTrip, call, request, reply, deps, 1);
  return afterItsCount(request, reply, deps, () => deliver(decided, request, reply, deps));
}

/** `next`, once a count admission left to the store step is made (at once when there is none); past the budget, its 429 instead. */
function afterItsCount(request: FastifyRequest, reply: FastifyReply, deps: CallDeps, next: () => Awaitable<FastifyReply>): Awaitable<FastifyReply> {
  if (!request.countPending) return next();
  return countAlone(request, deps).then((refused) => (refused ? deliver(refused, request, reply, deps) : next()));
}

/** How many times a call decided on a guess that no longer held decides on what the store saw, before it goes in steps. */
const GUESSES = 3;

/**
 * A decision made on a guess of the tenant, settled in one trip with the call's count and its
 * journal entry (one-trip.ts), then delivered; past the budget its 429; a stale guess decided
 * again. One promise a call: no async step between the store's answer and the delivery.
 */
function settleThenDeliver(
  outcome: Outcome,
  pending: PendingSettlement,
  oneTrip: OneTripCalls,
  call: ValidCall,
  request: FastifyRequest,
  reply: FastifyReply,
  deps: CallDeps,
  attempt: number,
): Promise<FastifyReply> {
  // A delayed or dropped answer is journaled when it leaves, with its time.
  const entry = outcome.delayMs || outcome.kind === 'drop' ? undefined : journalEntry(outcome, reply, deps);
  const count = request.countPending ? { key: request.apiKey ?? 'public', max: deps.limiter.max(request) } : undefined;
  // The script counts first and journals last: should its answer fail to come back (a 503),
  // the call is neither counted again nor journaled twice.
  request.countPending = false;
  request.journaled = entry !== undefined && oneTrip.journalsCalls;
  const { guess, assumed, worldRead, change } = pending;
  // Shaped for speed: docs/performance.md#objects-made-per-call-name-their-fields
  return oneTrip.settle(call.tenant, { guess, assumed, worldRead, change, count, entry }).then((result): Awaitable<FastifyReply> => {
    if (result.kind === 'settled') return deliver({ ...outcome, pending: undefined }, request, reply, deps);
    request.journaled = false;
    if (result.kind === 'over-limit') return deliver(refusalOutcome(deps.limiter.refusal(result.max, result.ttlMs)), request, reply, deps);
    return andThen(deps.decide({ ...call, countFirst: undefined }, attempt >= GUESSES), (again): Awaitable<FastifyReply> =>
      again.pending ? settleThenDeliver(again, again.pending, oneTrip, call, request, reply, deps, attempt + 1) : deliver(again, request, reply, deps),
    );
  });
}

function journalEntry(outcome: Outcome, reply: FastifyReply, deps: CallDeps) {
  if (!deps.journal) return undefined;
  reply.request.scenarioName = outcome.scenario;
  return outcome.kind === 'error' ? deps.journal.entryOf(reply, outcome.error.httpStatus, outcome.error.code) : deps.journal.entryOf(reply, outcome.kind === 'answer' ? outcome.statusCode : 0, null);
}

/** Counts, once, a call whose count admission left to its store step: its 429 past the budget. */
async function countAlone(request: FastifyRequest, deps: CallDeps): Promise<Outcome | undefined> {
  if (!request.countPending) return undefined;
  request.countPending = false;
  const refusal = await deps.limiter.countAlone(request);
  return refusal && refusalOutcome(refusal);
}

function refusalOutcome(refusal: Refusal): Outcome {
  return { kind: 'error', error: refusal.error, headers: refusal.headers };
}

/** A route's error handler where admission leaves the count: a request Fastify refuses (413, 415, malformed JSON) is counted first. */
export function countingErrorHandler(deps: CallDeps, respond: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    // The store's failure to count is the answer's too: `respond` says it (a 503 while not ready).
    countAlone(request, deps).then(
      (refused) => (refused ? deliver(refused, request, reply, deps) : respond(error, request, reply)),
      () => respond(error, request, reply),
    );
  };
}

/** Sends what was decided; most answers go at once, with no promise made for them. */
function deliver(outcome: Outcome, request: FastifyRequest, reply: FastifyReply, deps: CallDeps): FastifyReply | Promise<FastifyReply> {
  if (outcome.headers) reply.headers(outcome.headers);
  else if (outcome.kind === 'error' && outcome.error.httpStatus === 429) reply.headers(deps.limiter.forcedHeaders(request));
  request.scenarioName = outcome.scenario;
  if (outcome.delayMs || outcome.kind === 'drop') return deliverLater(outcome, request, reply, deps);
  return send(outcome, reply);
}

/** After a scenario's delay: an answer, an error, or no answer at all. */
async function deliverLater(outcome: Outcome, request: FastifyRequest, reply: FastifyReply, deps: CallDeps): Promise<FastifyReply> {
  if (outcome.delayMs) await delay(outcome.delayMs);
  if (outcome.kind !== 'drop') return send(outcome, reply);
  deps.countDrop?.(request);
  if (deps.journal) await deps.journal.recordDrop(request);
  reply.hijack();
  request.raw.socket.destroy();
  return reply;
}

function send(outcome: Exclude<Outcome, { kind: 'drop' }>, reply: FastifyReply): FastifyReply {
  // A dropped connection has no headers to name its scenario in; any other answer does.
  if (outcome.scenario) reply.header('x-sandbox-scenario', outcome.scenario);
  switch (outcome.kind) {
    case 'answer':
      return sendAnswer(reply, outcome.statusCode, outcome.body, outcome.text);
    case 'error':
      return sendCatalogueError(reply, outcome.error, outcome.message);
    default:
      return unhandled('outcome', outcome);
  }
}
