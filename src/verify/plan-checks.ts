import { randomBytes } from 'node:crypto';
import { type DocumentedAnswer, documentedAnswers } from '../coverage/documented-answers.js';
import type { Contract } from '../spec/load-contract.js';

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
  /** On a real API, also ask for successes, with these ids (changes the real world). */
  readonly writes?: { readonly promotionId?: string; readonly customerId?: string; readonly globalPromotionId?: string };
}

const BASE = '/api_gateway/v1/promotions';
const randomId = (): string => randomBytes(12).toString('hex');
const randomCustomer = (): string => String(900_000_000 + randomBytes(3).readUIntBE(0, 3));

/** The call of an operation with a fresh, unknown promotion id (and customer). */
function call(operationId: string, promotionId = randomId(), customerId = randomCustomer()): { method: string; path: string } {
  return operationId === 'deactivatePromotionGlobally'
    ? { method: 'PUT', path: `${BASE}/${promotionId}/deactivate` }
    : { method: 'POST', path: `${BASE}/${promotionId}/deactivate?customerId=${customerId}` };
}

/**
 * One check per documented answer of the vendor's calls. Against a sandbox every answer is
 * asked for (Prism's `Prefer: code=N` picks the scenario; 401 by sending no credential). Against
 * a real API only calls that change nothing are made unless writes are allowed: invalid input,
 * an unknown promotion id, no credential.
 */
export function planChecks(contract: Contract, options: PlanOptions): Check[] {
  const session = `verify-${randomBytes(6).toString('hex')}`;
  return documentedAnswers(contract).map((answer): Check => {
    const { operationId, code } = answer;
    if (code === 401) return { answer, request: { ...call(operationId), anonymous: true } };
    if (options.sandbox) return { answer, request: { ...call(operationId), headers: { prefer: `code=${code}`, 'x-sandbox-session': session } } };
    if (code === 400 && operationId === 'deactivatePromotionForCustomer') {
      return { answer, request: { method: 'POST', path: `${BASE}/${randomId()}/deactivate?customerId=not-a-number` } };
    }
    if (code === 725) return { answer, request: { method: 'PUT', path: `${BASE}/not-a-valid-id/deactivate` } };
    if (code === 404) return { answer, request: call(operationId) };
    const writes = options.writes;
    if (code === 200 && operationId === 'deactivatePromotionForCustomer' && writes?.promotionId && writes.customerId) {
      return { answer, request: call(operationId, writes.promotionId, writes.customerId) };
    }
    if (code === 200 && operationId === 'deactivatePromotionGlobally' && writes?.globalPromotionId) {
      return { answer, request: call(operationId, writes.globalPromotionId) };
    }
    return { answer, skipped: code === 200 ? 'a success changes the world: give --allow-writes and the ids to use' : 'cannot be caused safely on a real API' };
  });
}
