import { randomBytes } from 'node:crypto';
import { type DocumentedAnswer, documentedAnswers } from './documented-answers.js';
import { type CatalogueEntry, isValidationCode, REQUIRED_KEYS } from '../contract/catalogue.js';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { Contract } from '../contract/load-contract.js';
import { callRequest, callUrl, type ParameterValues } from '../contract/operation-call.js';
import type { Operation } from '../contract/operations.js';

/** One documented answer to ask the server for, and how. */
export interface Check {
  readonly answer: DocumentedAnswer;
  /** Why it is not asked for (on a real API, what cannot be caused safely); the request is then unset. */
  readonly skipped?: string;
  readonly request?: {
    readonly method: string;
    readonly path: string;
    /** Send no credential (the 401 checks). */
    readonly anonymous?: boolean;
    readonly headers?: Readonly<Record<string, string>>;
  };
}

export interface PlanOptions {
  /** The server is a promotions-sandbox: every answer can be forced with its scenarios. */
  readonly sandbox: boolean;
  /**
   * Writes are allowed (--allow-writes): on a real API, also ask for the successes of these
   * operations (by operationId), with these values of their parameters (this changes the real world).
   */
  readonly writes?: Readonly<Record<string, ParameterValues>>;
}

/**
 * Fresh values for the parameters a not-found answer depends on, new for every call: a real API
 * answers 404 for a promotion it does not know, and no two checks act on the same customer.
 * Every other parameter a call needs gets its example from the contract.
 */
const FRESH: Readonly<Record<string, () => string>> = {
  promotionId: () => randomBytes(12).toString('hex'),
  customerId: () => String(900_000_000 + randomBytes(3).readUIntBE(0, 3)),
};
const freshValues = (): Record<string, string> => Object.fromEntries(Object.entries(FRESH).map(([name, fresh]) => [name, fresh()]));

/** A text that a parameter with a type, a pattern or an enum refuses: how a check makes an invalid call. */
const INVALID_TEXT = 'not-a-valid-value';

type Request = NonNullable<Check['request']>;

/**
 * One check per documented answer of every vendor operation the contract has, each call built
 * from its operation's path template and parameters. Against a sandbox every answer is asked for
 * (Prism's `Prefer: code=N` picks the scenario; 401 by sending no credential). Against a real API
 * only calls that change nothing are made unless writes are allowed: invalid input, an unknown
 * promotion id, no credential, and the successes of reads.
 */
export function planChecks(contract: Contract, checks: ContractChecks, options: PlanOptions): Check[] {
  const session = `verify-${randomBytes(6).toString('hex')}`;
  const operations = new Map(contract.operations.map((operation) => [operation.operationId, operation]));
  return documentedAnswers(contract).map((answer): Check => {
    const operation = operations.get(answer.operationId);
    if (!operation) throw new Error(`a documented answer of ${answer.operationId}, which the contract does not have`);
    try {
      return planCheck(answer, operation, checks, options, session);
    } catch (error) {
      // A required parameter the contract gives no example of: said in the report, not a crash.
      return { answer, skipped: (error as Error).message };
    }
  });
}

function planCheck(answer: DocumentedAnswer, operation: Operation, checks: ContractChecks, options: PlanOptions, session: string): Check {
  const call = (values: ParameterValues = freshValues()): Request => ({ method: operation.method, path: callUrl(operation, values) });
  const entry = answer.key === null ? undefined : operation.errors.find((candidate) => candidate.code === answer.code);
  if (entry?.key === REQUIRED_KEYS.authenticationFailed) return { answer, request: { ...call(), anonymous: true } };
  if (options.sandbox) return { answer, request: { ...call(), headers: { prefer: `code=${answer.code}`, 'x-sandbox-session': session } } };
  if (entry && isValidationCode(entry)) {
    const refused = refusedCall(operation, entry, checks);
    return refused ? { answer, request: refused } : { answer, skipped: 'no invalid parameter value causes it, and a malformed body is not sent to a real API' };
  }
  if (answer.httpStatus === 404) return { answer, request: call() };
  if (answer.key === null) return successCheck(answer, operation, options, call);
  return { answer, skipped: 'cannot be caused safely on a real API' };
}

/** The methods HTTP defines as safe (RFC 9110, 9.2.1): a call with one only reads. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A success on a real API. A read (a safe method) is asked for with the contract's examples of
 * its parameters, the documented ids; a write only with --allow-writes and an id for each of its
 * required parameters (the flags name the vendor's two successes; another write is skipped).
 */
function successCheck(answer: DocumentedAnswer, operation: Operation, options: PlanOptions, call: (values?: ParameterValues) => Request): Check {
  if (SAFE_METHODS.has(operation.method)) return { answer, request: call({}) };
  const given = options.writes?.[operation.operationId];
  if (options.writes && !given) return { answer, skipped: 'a success changes the world, and no --allow-writes flag gives the ids for this operation' };
  const missing = operation.parameters.filter((parameter) => parameter.required && parameter.in !== 'header' && given?.[parameter.name] === undefined);
  if (given && missing.length === 0) return { answer, request: call(given) };
  const ids = missing.length > 0 ? ` and the ${missing.map((parameter) => parameter.name).join(', ')} to use` : '';
  return { answer, skipped: `a success changes the world: give --allow-writes${ids}` };
}

/**
 * A call the contract refuses with this validation error: one parameter given a text its schema
 * refuses, the others valid. For an error of one parameter (725: promotionId) that parameter;
 * for the generic invalid input a query parameter first, since a gateway routes by the path.
 * Undefined when no parameter's invalid text gives this error.
 */
function refusedCall(operation: Operation, entry: CatalogueEntry, checks: ContractChecks): Request | undefined {
  const validate = checks.requests.get(operation.operationId);
  const place = (location: string): number => (location === 'query' ? 0 : 1);
  const candidates = operation.parameters
    .filter((parameter) => parameter.in === 'query' || parameter.in === 'path')
    .filter((parameter) => entry.invalidParameter === undefined || parameter.name === entry.invalidParameter)
    .sort((a, b) => place(a.in) - place(b.in));
  for (const parameter of candidates) {
    const values = { ...freshValues(), [parameter.name]: INVALID_TEXT };
    const validation = validate?.(callRequest(operation, values));
    if (validation && !validation.valid && validation.diagnostics[0]?.error.code === entry.code) {
      return { method: operation.method, path: callUrl(operation, values) };
    }
  }
  return undefined;
}
