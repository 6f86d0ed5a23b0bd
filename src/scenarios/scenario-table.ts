import { magicReach } from '../contract/magic-reach.js';
import type { Operation } from '../contract/operations.js';
import type { Lasting } from '../world/model.js';
import type { ScenarioSet } from './scenario-set.js';
import type { Scenario } from './scenario.js';

/**
 * The scenarios and their magic values as a Markdown table, generated from the files: `/docs`
 * and the README show it, so it cannot drift from what the sandbox does.
 */
export function scenarioTable(set: ScenarioSet, operations: readonly Operation[]): string {
  // Which file each row comes from, once a folder of one's own is in the set (the README's table, of the shipped ones, has no need).
  const sourced = set.scenarios.some((scenario) => scenario.source === 'own');
  const rows = set.scenarios.map(
    (scenario) =>
      `| \`${scenario.name}\` | ${scenario.operations.map((operationId) => `\`${operationId}\``).join(', ')} | ${scenario.code ?? 'no answer'} | ${magicCell(scenario, operations)} | ${forcedCell(scenario)} | ${timesCell(scenario)} | ${cell(scenario.description)} |${sourced ? ` ${sourceCell(scenario, set)} |` : ''}`,
  );
  return [
    `| Scenario (\`X-Sandbox-Scenario\`) | Operations | Code | Magic values (no header needed) | Forced | Times (the tenant's clock) | What it stands for |${sourced ? ' Source |' : ''}`,
    `|---|---|---|---|---|---|---|${sourced ? '---|' : ''}`,
    ...rows,
  ].join('\n');
}

function sourceCell(scenario: Scenario, set: ScenarioSet): string {
  if (scenario.source === 'shipped') return 'shipped';
  return set.replaced.includes(scenario.name) ? 'own, replacing the shipped one' : 'own';
}

/**
 * The magic values, and the operations they work on when not all of the scenario's: a value
 * works only on an operation that has every parameter it names (as the scenario checks hold).
 */
function magicCell(scenario: Scenario, operations: readonly Operation[]): string {
  const entries = Object.entries(scenario.magic);
  if (entries.length === 0) return '';
  const values = entries.map(([name, value]) => `${name}=\`${value}\``).join(' + ');
  const reached = magicReach(scenario, operations).map((operation) => operation.operationId);
  return reached.length === scenario.operations.length ? values : `${values} (on ${reached.map((operationId) => `\`${operationId}\``).join(', ')} only)`;
}

function forcedCell(scenario: Scenario): string {
  const forced = scenario.forced;
  if (!forced) return 'no: the world answers';
  if (forced.dropConnection) return 'drops the connection';
  if (forced.sequence) return `sequence ${forced.sequence.join(', ')}`;
  if (forced.latencyMs) return `after ${forced.latencyMs} ms`;
  return 'yes';
}

/**
 * The times of the scenario's world, as the tenant's clock reads them: how long a cart's lock
 * or an expiry job lasts from the clock's start (POST /__sandbox/clock moves past it), and when
 * a promotion's validity ends.
 */
function timesCell(scenario: Scenario): string {
  const { customers, promotions } = scenario.world;
  return [
    ...customers.flatMap((customer) => (customer.pendingCart ? [`cart locked ${lastingText(customer.pendingCart.lock)}`] : [])),
    ...promotions.flatMap((promotion) => (promotion.expiryJob ? [`expiry job runs ${lastingText(promotion.expiryJob)}`] : [])),
    ...promotions.flatMap((promotion) => (promotion.validTill === undefined ? [] : [`valid till ${promotion.validTill}${promotion.validTill.length === 10 ? ' (its whole day, UTC)' : ''}`])),
  ].join('; ');
}

function lastingText(lasting: Lasting): string {
  if ('seconds' in lasting) return `${lasting.seconds} s`;
  if ('until' in lasting) return `until ${new Date(lasting.until).toISOString()}`;
  return 'until reset';
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
