import type { Scenario } from '../scenarios/scenario.js';
import type { ScenarioSet } from '../scenarios/scenario-set.js';
import type { Operation } from '../contract/operations.js';
import { readPreference } from './prefer-header.js';

export const SCENARIO_HEADER = 'x-sandbox-scenario';
export const PREFER_HEADER = 'prefer';

/** A scenario asked for on the request, or why the request's ask cannot be met. */
export type RequestedScenario = { readonly scenario: Scenario } | { readonly problem: string } | undefined;

/**
 * The scenario a request asks for: `X-Sandbox-Scenario: <name>` first, else
 * `Prefer: code=<the vendor's code>` (prefer-header.ts). An unknown name, a Prefer the sandbox
 * cannot read, or a code the operation does not document, is a problem that names what was asked
 * and says what is accepted.
 */
export function requestedScenario(
  operation: Operation,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  scenarios: ScenarioSet,
): RequestedScenario {
  const named = single(headers[SCENARIO_HEADER]);
  const available = () => scenarios.forOperation(operation.operationId);
  if (named !== undefined) {
    const scenario = scenarios.byName(named);
    if (scenario?.operations.includes(operation.operationId)) return { scenario };
    const why = scenario ? `is not for ${operation.operationId}` : 'does not exist';
    return { problem: `Scenario ${JSON.stringify(named.slice(0, 64))} ${why}. Scenarios for ${operation.operationId}: ${available().map((s) => s.name).join(', ')}.` };
  }
  const prefer = single(headers[PREFER_HEADER]);
  if (prefer === undefined) return undefined;
  const preference = readPreference(prefer);
  if ('problem' in preference) return preference;
  const scenario = scenarios.preferred(operation.operationId, preference.code);
  if (scenario) return { scenario };
  const codes = [...new Set(available().map((s) => s.code).filter((c) => c !== undefined))].sort((a, b) => a - b);
  return { problem: `No scenario answers code ${preference.code} for ${operation.operationId}. Codes with a scenario: ${codes.join(', ')}.` };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
