import type { ScenarioSet } from './scenario-set.js';
import type { Scenario } from './scenario.js';

/**
 * The scenarios and their magic values as a Markdown table, generated from the files: `/docs`
 * and the README show it, so it cannot drift from what the sandbox does.
 */
export function scenarioTable(set: ScenarioSet): string {
  const rows = set.scenarios.map(
    (scenario) =>
      `| \`${scenario.name}\` | ${scenario.operations.map((operationId) => `\`${operationId}\``).join(', ')} | ${scenario.code ?? 'no answer'} | ${magicCell(scenario)} | ${forcedCell(scenario)} | ${cell(scenario.description)} |`,
  );
  return [
    '| Scenario (`X-Sandbox-Scenario`) | Operations | Code | Magic values (no header needed) | Forced | What it stands for |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function magicCell(scenario: Scenario): string {
  const entries = Object.entries(scenario.magic);
  return entries.length === 0 ? '' : entries.map(([name, value]) => `${name}=\`${value}\``).join(' + ');
}

function forcedCell(scenario: Scenario): string {
  const forced = scenario.forced;
  if (!forced) return 'no: the world answers';
  if (forced.dropConnection) return 'drops the connection';
  if (forced.sequence) return `sequence ${forced.sequence.join(', ')}`;
  if (forced.latencyMs) return `after ${forced.latencyMs} ms`;
  return 'yes';
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
