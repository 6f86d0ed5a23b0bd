import type { ContractChecks } from '../contract/contract-checks.js';
import type { Contract } from '../contract/load-contract.js';
import { callUrl } from '../contract/operation-call.js';

/** What a server answered to one of the sandbox's own calls, judged by the contract. */
export type SandboxAnswer =
  /** 200, as the contract describes it: the envelope's data. */
  | { readonly kind: 'data'; readonly data: unknown }
  /** 401, as the contract describes it: the credentials (or their absence) are refused. */
  | { readonly kind: 'refused' }
  /** Another answer the contract declares (400, 503…), in words: the call, the status, the message. */
  | { readonly kind: 'error'; readonly reason: string }
  /** An answer the contract does not describe: what answered is not a promotions-sandbox. */
  | { readonly kind: 'foreign'; readonly reason: string };

/**
 * Makes one call of the contract's sandbox operations (by operationId, with its parameters'
 * examples) and judges the answer with the contract's own check of that operation: a 404, an
 * HTML page or JSON of another shape is no sandbox's answer, and a 401 is told from a broken
 * server. A network failure is thrown, for the caller's `networkReason`.
 */
export async function callSandbox(
  contract: Contract,
  checks: ContractChecks,
  baseUrl: string,
  operationId: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<SandboxAnswer> {
  const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
  const validate = checks.responses.get(operationId);
  if (!operation || !validate) throw new Error(`the contract has no operation ${operationId}`);
  const path = callUrl(operation, {});
  const response = await fetch(new URL(path, baseUrl), { method: operation.method, headers, signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  const problems = validate({ statusCode: response.status, headers: Object.fromEntries(response.headers), body });
  if (problems.length > 0) {
    // Each problem starts with the operation and status, said once here instead.
    const reasons = problems.map((problem) => problem.replace(`${operationId} ${response.status}: `, '').replace(`${operationId}: `, ''));
    return { kind: 'foreign', reason: `${operation.method} ${path} answered HTTP ${response.status} (${reasons.join('; ')})` };
  }
  // It conforms, so it is JSON in the envelope where a body is declared.
  const envelope = (body === '' ? {} : JSON.parse(body)) as { data?: unknown; errors?: { message?: string }[] | null };
  if (response.status === 200) return { kind: 'data', data: envelope.data };
  if (response.status === 401) return { kind: 'refused' };
  return { kind: 'error', reason: `${operation.method} ${path} answered HTTP ${response.status}: ${envelope.errors?.[0]?.message ?? ''}` };
}
