import type { LiveScenarios } from '../scenarios/live-scenarios.js';
import { documentedError, isValidationCode } from '../contract/catalogue.js';
import type { Operation } from '../contract/operations.js';
import { canonicalTexts } from '../world/model.js';

/**
 * The scenario a refused request stands for: contract validation answers before any scenario is
 * looked at, so a request carrying a validation scenario's magic values (`customerId=not-a-number`
 * of invalid-input) gets its code from the contract, and this names the scenario it selected, for
 * the X-Sandbox-Scenario header, the journal and coverage. Only when the code is that scenario's.
 */
export function invalidRequestScenario(scenarios: LiveScenarios) {
  return (operation: Operation, texts: Readonly<Record<string, string | undefined>>, code: number | undefined): string | undefined => {
    const scenario = scenarios.set.matchMagic(operation.operationId, canonicalTexts(texts));
    // A code names one entry per operation (not catalogue-wide), so it is looked up there.
    const entry = documentedError(operation, code);
    return scenario && scenario.code === code && isValidationCode(entry) ? scenario.name : undefined;
  };
}
