import type { ContractChecks } from '../contract/contract-checks.js';
import { networkReason } from './network-reason.js';
import type { Check } from './plan-checks.js';

export interface CheckResult {
  readonly check: Check;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** What was wrong, or why it was skipped. */
  readonly problems: readonly string[];
  readonly httpStatus?: number;
  readonly durationMs: number;
}

/**
 * Makes one check's call and judges the answer against the contract: the status is declared,
 * the headers it requires are there, the body validates, and the code is the one asked for.
 * A server that is down, slow or answers HTML gives a failed check with a clear reason, never a crash.
 */
export async function runCheck(
  check: Check,
  baseUrl: string,
  authentication: Readonly<Record<string, string>>,
  contractChecks: ContractChecks,
  timeoutMs: number,
): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (!check.request) return { check, status: 'skipped', problems: [check.skipped ?? 'not asked for'], durationMs: 0 };
  const { method, path, anonymous, headers } = check.request;
  let response: Response;
  let body: string;
  try {
    response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { accept: 'application/json', ...(anonymous ? {} : authentication), ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.text();
  } catch (error) {
    return { check, status: 'failed', problems: [`cannot reach ${baseUrl}: ${networkReason(error, timeoutMs)}`], durationMs: elapsed() };
  }
  const problems: string[] = [];
  const { answer } = check;
  if (response.status !== answer.httpStatus) problems.push(`HTTP ${response.status}, documented ${answer.httpStatus}`);
  const validate = contractChecks.responses.get(answer.operationId);
  const headersSeen = Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value]));
  problems.push(...(validate?.({ statusCode: response.status, headers: headersSeen, body }) ?? []).map((problem) => problem.replace(`${answer.operationId} `, '')));
  const code = codeOf(body, response.status);
  if (code !== undefined && code !== answer.code) problems.push(`code ${code}, asked for ${answer.code}`);
  return { check, status: problems.length === 0 ? 'passed' : 'failed', problems, httpStatus: response.status, durationMs: elapsed() };
}

/** The code a client reads: errors[0].code, or the HTTP status of a success. */
function codeOf(body: string, status: number): number | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown }[] | null };
    const code = parsed.errors?.[0]?.code;
    return typeof code === 'number' ? code : status < 300 ? status : undefined;
  } catch {
    return undefined;
  }
}
