import type { Contract } from '../contract/load-contract.js';
import { compileContractChecks } from '../contract/contract-checks.js';
import { unhandled } from '../unhandled.js';
import { CREDENTIAL_FLAGS, flagName } from './credential-flags.js';
import { type ClientCredentials, CredentialsRefused, authenticationHeaders, refusalLine } from './credentials.js';
import { type JunitCase, junitXml } from './junit.js';
import { networkReason } from './network-reason.js';
import { callSandbox } from './sandbox-call.js';
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

const TIMEOUT_MS = 10_000;

/**
 * Reads a tenant's coverage from a sandbox and judges it: a partner's CI can prove its client
 * handles every documented error, not only the happy path. The tenant is the client's: without
 * credentials none is sent (with --auth off that is everyone's tenant; otherwise the sandbox
 * refuses, and that is the report, not an empty coverage). A coverage with no call at all fails
 * too, naming the likely cause: the credentials read another tenant than the client's. What is not a sandbox's answer, by
 * the contract's own check of GET /__sandbox/coverage, says so.
 */
export async function checkCoverage(
  contract: Contract,
  baseUrl: string,
  credentials: ClientCredentials,
  session: string | undefined,
  requirement: CoverageRequirement,
): Promise<CoverageOutcome> {
  const cannot = (line: string): CoverageOutcome => ({
    ok: false,
    lines: [line],
    junit: junitXml('promotions-sandbox coverage', [{ name: 'read the coverage', className: 'coverage', seconds: 0, failure: line }]),
  });
  const cannotRead = (reason: string) => cannot(`✗ cannot read the coverage from ${baseUrl}: ${reason}`);
  let report: CoverageReport;
  try {
    const headers = { ...(await authenticationHeaders(baseUrl, credentials, TIMEOUT_MS)), ...(session ? { 'x-sandbox-session': session } : {}) };
    const answer = await callSandbox(contract, compileContractChecks(contract), baseUrl, 'getCoverage', headers, TIMEOUT_MS);
    switch (answer.kind) {
      case 'data':
        report = answer.data as CoverageReport;
        break;
      case 'refused':
        return cannotRead(refusalLine('the sandbox', credentials));
      case 'error':
        return cannotRead(answer.reason);
      case 'foreign':
        return cannot(`✗ ${baseUrl} is not a promotions-sandbox: ${answer.reason}`);
      default:
        return unhandled('answer', answer);
    }
  } catch (error) {
    return cannotRead(error instanceof CredentialsRefused ? refusalLine('the sandbox', credentials) : networkReason(error, TIMEOUT_MS));
  }
  // Nothing at all recorded is another tenant's empty coverage far more often than a client that
  // made no call: each credential is its own tenant, and a Basic one is easily sent otherwise.
  if (report.answers.every((answer) => answer.count === 0)) return cannot(`✗ ${noCallLine(baseUrl, session)}`);
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

/** Why an empty coverage fails: which tenant was read, and how to name the client's. */
function noCallLine(baseUrl: string, session: string | undefined): string {
  const { basic, authorization } = CREDENTIAL_FLAGS;
  return (
    `no call of the vendor's operations was recorded for these credentials${session === undefined ? '' : ` in session ${JSON.stringify(session)}`} on ${baseUrl}: ` +
    `each credential is its own tenant, so pass the one your client sends; ` +
    `${flagName('basic')} (${basic.env}) sends base64(user:md5(password)), while ${flagName('authorization')} (${authorization.env}) sends the header as the client does`
  );
}
