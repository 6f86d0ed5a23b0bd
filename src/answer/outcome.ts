import type { Awaitable } from '../awaitable.js';
import type { Settlement } from '../world/one-trip.js';
import type { CatalogueEntry } from '../contract/catalogue.js';
import type { Operation } from '../contract/operations.js';
import type { ParameterTexts, ValidValues } from '../contract/request-validator.js';
import type { Answer } from '../contract/success-answer.js';

/** A call that passed authentication and contract validation. */
export interface ValidCall {
  readonly operation: Operation;
  readonly values: ValidValues;
  readonly texts: ParameterTexts;
  readonly body: unknown;
  /** The tenant: the credential, refined by X-Sandbox-Session. */
  readonly tenant: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * Where admission left the call's count to its store step (one-trip.ts): counts it alone, before
   * a decision made in steps writes anything; its 429, or undefined within the budget.
   */
  readonly countFirst?: () => Promise<Outcome | undefined>;
}

/** How the answer is given: which scenario made it, and after how long. */
interface Delivery {
  readonly scenario?: string;
  readonly delayMs?: number;
  /** Headers the answer carries (a 429's of the budget it went past). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A decision made on a guess of the tenant (one-trip.ts): the caller settles it before answering. */
export type PendingSettlement = Pick<Settlement, 'guess' | 'assumed' | 'change' | 'worldRead'>;

export type Outcome = (
  | ({ readonly kind: 'answer' } & Answer & Delivery)
  | ({ readonly kind: 'error'; readonly error: CatalogueEntry; readonly message?: string } & Delivery)
  | ({ readonly kind: 'drop' } & Delivery)
) & { readonly pending?: PendingSettlement };

/**
 * The seam where the answer to a valid call is decided: scenarios, then the tenant's world; at
 * once where the store answers at once (in memory), later over a connection.
 * `inSteps`: read and write the store step by step, never on a guess (a guess settled stale).
 */
export type DecideOutcome = (call: ValidCall, inSteps?: boolean) => Awaitable<Outcome>;
