import { type ClientCredentials, authenticationHeaders } from '../verify/credentials.js';
import { type JunitCase, junitXml } from '../verify/junit.js';
import { networkReason } from '../verify/network-reason.js';
import { type CoverageReport, answerLabel } from './documented-answers.js';

export interface CoverageRequirement {
  /** At least this percentage of the documented answers received. */
  readonly minPercent?: number;
  /** Every documented answer received at least once. */
  readonly requireAll?: boolean;
}

export interface CoverageOutcome {
  readonly report?: CoverageReport;
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly junit: string;
}

/**
 * Reads a tenant's coverage from a sandbox and judges it: a partner's CI can prove its client
 * handles every documented error, not only the happy path.
 */
export async function checkCoverage(
  baseUrl: string,
  credentials: ClientCredentials,
  session: string | undefined,
  requirement: CoverageRequirement,
): Promise<CoverageOutcome> {
  let report: CoverageReport;
  try {
    const headers = { ...(await authenticationHeaders(baseUrl, credentials, 10_000)), ...(session ? { 'x-sandbox-session': session } : {}) };
    const response = await fetch(new URL('/__sandbox/coverage', baseUrl), { headers, signal: AbortSignal.timeout(10_000) });
    const body = (await response.json().catch(() => undefined)) as { data?: CoverageReport } | undefined;
    if (!response.ok || !body?.data) throw new Error(`GET /__sandbox/coverage answered HTTP ${response.status}; is this a promotions-sandbox?`);
    report = body.data;
  } catch (error) {
    const line = `✗ cannot read the coverage from ${baseUrl}: ${networkReason(error)}`;
    return { ok: false, lines: [line], junit: junitXml('promotions-sandbox coverage', [{ name: 'read the coverage', className: 'coverage', seconds: 0, failure: line }]) };
  }
  const percent = report.total === 0 ? 100 : (100 * report.covered) / report.total;
  const required = requirement.requireAll === true;
  const ok = (!required || report.covered === report.total) && percent >= (requirement.minPercent ?? 0);
  const lines = report.answers.map(
    (answer) => `${answer.count > 0 ? '✓' : '✗'} ${answerLabel(answer)}: received ${answer.count} time${answer.count === 1 ? '' : 's'}`,
  );
  const goal = required ? 'all required' : requirement.minPercent !== undefined ? `${requirement.minPercent}% required` : 'no minimum';
  lines.push(`${report.covered} of ${report.total} documented answers received (${percent.toFixed(0)}%; ${goal}): ${ok ? 'OK' : 'NOT ENOUGH'}`);
  const cases: JunitCase[] = report.answers.map((answer) => ({
    name: answerLabel(answer),
    className: `coverage.${answer.operationId}`,
    seconds: 0,
    ...(answer.count === 0 ? (required ? { failure: 'never received by the client under test' } : { skipped: 'never received' }) : {}),
  }));
  if (!ok && !required) cases.push({ name: `at least ${requirement.minPercent ?? 0}% of the documented answers`, className: 'coverage', seconds: 0, failure: lines.at(-1) ?? '' });
  return { report, ok, lines, junit: junitXml('promotions-sandbox coverage', cases) };
}
