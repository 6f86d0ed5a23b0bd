import { answerLabel } from '../coverage/documented-answers.js';
import type { Contract } from '../spec/load-contract.js';
import { compileContractChecks } from '../spec/contract-checks.js';
import { type ClientCredentials, authenticationHeaders } from './credentials.js';
import { type JunitCase, junitXml } from './junit.js';
import { networkReason } from './network-reason.js';
import { type PlanOptions, planChecks } from './plan-checks.js';
import { type CheckResult, runCheck } from './run-checks.js';

export interface VerifyOptions {
  readonly baseUrl: string;
  readonly credentials: ClientCredentials;
  readonly writes?: PlanOptions['writes'];
  readonly timeoutMs?: number;
}

export interface VerifyReport {
  readonly baseUrl: string;
  /** `sandbox`: every documented answer was asked for; `api`: only the calls that change nothing. */
  readonly target: 'sandbox' | 'api';
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Set when the run could not start (the server is down, the credentials are refused). */
  readonly error?: string;
  readonly results: readonly CheckResult[];
}

/**
 * Runs the contract against a server: this sandbox, another instance, or the vendor's real API.
 * Checks run one after the other, so that a rate limit is not what is measured.
 */
export async function verify(contract: Contract, options: VerifyOptions): Promise<VerifyReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = { baseUrl: options.baseUrl, passed: 0, failed: 0, skipped: 0, results: [] };
  let authentication: Record<string, string>;
  let target: VerifyReport['target'];
  try {
    new URL(options.baseUrl);
    authentication = await authenticationHeaders(options.baseUrl, options.credentials, timeoutMs);
    target = (await isSandbox(options.baseUrl, authentication, timeoutMs)) ? 'sandbox' : 'api';
  } catch (error) {
    return { ...base, target: 'api', failed: 1, error: `cannot verify ${options.baseUrl}: ${networkReason(error, timeoutMs)}` };
  }
  const checks = compileContractChecks(contract);
  const results: CheckResult[] = [];
  for (const check of planChecks(contract, checks, { sandbox: target === 'sandbox', ...(options.writes ? { writes: options.writes } : {}) })) {
    results.push(await runCheck(check, options.baseUrl, authentication, checks, timeoutMs));
  }
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  return { ...base, target, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), results };
}

/** A promotions-sandbox lists its scenarios; anything else is treated as the real API. */
async function isSandbox(baseUrl: string, authentication: Record<string, string>, timeoutMs: number): Promise<boolean> {
  const response = await fetch(new URL('/__sandbox/scenarios', baseUrl), { headers: authentication, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) return false;
  const body = (await response.json().catch(() => undefined)) as { data?: unknown } | undefined;
  return Array.isArray(body?.data);
}

const label = (result: CheckResult): string => answerLabel(result.check.answer);

/** The report for people: one line a check, problems under it, a summary last. */
export function textReport(report: VerifyReport): string {
  if (report.error) return `✗ ${report.error}\n`;
  const lines = [`Verifying ${report.baseUrl} (${report.target === 'sandbox' ? 'a promotions-sandbox: every documented answer' : 'an API: calls that change nothing'})`];
  for (const result of report.results) {
    const mark = { passed: '✓', failed: '✗', skipped: '-' }[result.status];
    lines.push(`${mark} ${label(result)}${result.status === 'skipped' ? ` (skipped: ${result.problems[0] ?? ''})` : ''}`);
    if (result.status === 'failed') for (const problem of result.problems) lines.push(`    ${problem}`);
  }
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

export function junitReport(report: VerifyReport): string {
  const cases: JunitCase[] = report.error
    ? [{ name: 'reach the server', className: 'verify', seconds: 0, failure: report.error }]
    : report.results.map((result) => ({
        name: label(result),
        className: `verify.${result.check.answer.operationId}`,
        seconds: result.durationMs / 1000,
        ...(result.status === 'failed' ? { failure: result.problems.join('\n') } : {}),
        ...(result.status === 'skipped' ? { skipped: result.problems[0] ?? 'skipped' } : {}),
      }));
  return junitXml(`promotions-sandbox verify ${report.baseUrl}`, cases);
}

export function jsonReport(report: VerifyReport): string {
  return `${JSON.stringify(
    {
      ...report,
      results: report.results.map((result) => ({
        operationId: result.check.answer.operationId,
        code: result.check.answer.code,
        key: result.check.answer.key,
        status: result.status,
        httpStatus: result.httpStatus ?? null,
        problems: result.problems,
        durationMs: result.durationMs,
      })),
    },
    null,
    2,
  )}\n`;
}
