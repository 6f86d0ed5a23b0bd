import { answerLabel } from './documented-answers.js';
import type { Contract } from '../contract/load-contract.js';
import { compileContractChecks } from '../contract/contract-checks.js';
import { type ClientCredentials, CredentialsRefused, authenticationHeaders, hasCredentials, refusalLine } from './credentials.js';
import { type JunitCase, junitXml } from './junit.js';
import { networkReason } from './network-reason.js';
import { type PlanOptions, planChecks } from './plan-checks.js';
import { type CheckResult, runCheck } from './run-checks.js';
import { callSandbox } from './sandbox-call.js';

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

/** Sent when no credential is given: against a sandbox with --auth open any Basic credential is a tenant. */
const STAND_IN = 'verify:verify';

/**
 * Runs the contract against a server: this sandbox, another instance, or the vendor's real API.
 * Checks run one after the other, so that a rate limit is not what is measured. Credentials the
 * server refuses stop the run with that reason, before any check: each would fail with 401.
 */
export async function verify(contract: Contract, options: VerifyOptions): Promise<VerifyReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { baseUrl } = options;
  const base = { baseUrl, passed: 0, failed: 0, skipped: 0, results: [] };
  const checks = compileContractChecks(contract);
  const given = options.credentials;
  const sent = hasCredentials(given) ? given : { ...given, basic: STAND_IN };
  const stop = (target: VerifyReport['target'], reason: string): VerifyReport => ({ ...base, target, failed: 1, error: `cannot verify ${baseUrl}: ${reason}` });
  /** A refusal names a sandbox as such, known by the health call it answers without credentials. */
  const refused = async (): Promise<VerifyReport> => {
    const sandbox = (await callSandbox(contract, checks, baseUrl, 'getHealth', {}, timeoutMs).catch(() => undefined))?.kind === 'data';
    return stop(sandbox ? 'sandbox' : 'api', refusalLine(sandbox ? 'the sandbox' : 'the server', given, STAND_IN));
  };
  let authentication: Record<string, string>;
  let target: VerifyReport['target'];
  try {
    new URL(baseUrl);
    authentication = await authenticationHeaders(baseUrl, sent, timeoutMs);
    // A promotions-sandbox lists its scenarios; anything else is treated as the real API.
    const probe = await callSandbox(contract, checks, baseUrl, 'listScenarios', authentication, timeoutMs);
    if (probe.kind === 'refused') return await refused();
    if (probe.kind === 'error') return stop('api', probe.reason);
    target = probe.kind === 'data' ? 'sandbox' : 'api';
  } catch (error) {
    if (error instanceof CredentialsRefused) return refused();
    return stop('api', networkReason(error, timeoutMs));
  }
  const results: CheckResult[] = [];
  for (const check of planChecks(contract, checks, { sandbox: target === 'sandbox', ...(options.writes ? { writes: options.writes } : {}) })) {
    results.push(await runCheck(check, baseUrl, authentication, checks, timeoutMs));
  }
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  return { ...base, target, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), results };
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
