import type { CoverageReport, DocumentedAnswer } from '../../client/documented-answers.js';
import { coverageKey } from '../../world/coverage-store.js';

/** How many times each documented answer was received, from counts keyed `operationId code`. */
export function coverageReport(answers: readonly DocumentedAnswer[], counts: ReadonlyMap<string, number>): CoverageReport {
  const counted = answers.map((answer) => ({ ...answer, count: counts.get(coverageKey(answer.operationId, answer.code)) ?? 0 }));
  return { covered: counted.filter((answer) => answer.count > 0).length, total: counted.length, answers: counted };
}
