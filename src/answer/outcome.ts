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
}

/** How the answer is given: which scenario made it, and after how long. */
interface Delivery {
  readonly scenario?: string;
  readonly delayMs?: number;
}

export type Outcome =
  | ({ readonly kind: 'answer' } & Answer & Delivery)
  | ({ readonly kind: 'error'; readonly error: CatalogueEntry; readonly message?: string } & Delivery)
  | ({ readonly kind: 'drop' } & Delivery);

/** The seam where the answer to a valid call is decided: scenarios, then the tenant's world. */
export type DecideOutcome = (call: ValidCall) => Promise<Outcome>;
