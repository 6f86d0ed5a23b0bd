import type { OpenAPIV3_1 } from 'openapi-types';
import type { ScenarioSet } from '../../scenarios/scenario-set.js';
import { scenarioTable } from '../../scenarios/scenario-table.js';
import type { Contract } from '../../contract/load-contract.js';
import { REQUIRED_KEYS } from '../../contract/catalogue.js';
import { DECISION_KEY, decisionList } from '../../contract/sandbox-decisions.js';
import { isJournaled } from '../journal.js';

/**
 * The document `/openapi.json` and `/docs` serve: the authored contract, plus sections generated
 * from the catalogue and the scenarios in force, so the page shows what they say without anyone
 * restating it by hand, and "Try it out" offers the scenario names.
 */
export function servedDocument(contract: Contract, scenarios?: ScenarioSet): OpenAPIV3_1.Document {
  const document: OpenAPIV3_1.Document = structuredClone(contract.document);
  const sections = [catalogueSection(contract), decisionSection(contract)];
  if (scenarios) sections.push(scenarioSection(scenarios, contract));
  document.info.description = `${document.info.description ?? ''}\n${sections.join('\n')}`;
  if (scenarios) {
    offerScenarioNames(document, contract, scenarios);
    offerValuesInForce(document, contract, scenarios);
  }
  return document;
}

/** The mark of a schema whose values are the sandbox's own, known only once it runs. */
export const VALUES_KEY = 'x-sandbox-values';

/**
 * The sandbox's own calls take only its operations and the scenarios in force: a name the server
 * would refuse (400 on a filter, 422 on a pin) is outside the served document too, so a client or
 * test generated from it sends only what is accepted. A schema marked `x-sandbox-values` gets the
 * enum of what it names; an object with a scenario and an operation of that scenario (the pin)
 * gets one branch per scenario, since a scenario applies only to its own operations.
 */
function offerValuesInForce(document: OpenAPIV3_1.Document, contract: Contract, scenarios: ScenarioSet): void {
  const all = scenarios.scenarios;
  const values: Record<string, readonly string[]> = {
    'journaled-operations': contract.operations.filter(isJournaled).map((operation) => operation.operationId),
    scenarios: all.map((scenario) => scenario.name),
    'operations-of-scenario': [...new Set(all.flatMap((scenario) => scenario.operations))],
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    const named = values[schema[VALUES_KEY] as string];
    if (named && named.length > 0) schema.enum = [...named];
    pairScenarioWithOperation(schema, all);
    Object.values(schema).forEach(visit);
  };
  visit(document.paths);
  visit(document.components?.schemas);
}

function pairScenarioWithOperation(schema: Record<string, unknown>, all: ScenarioSet['scenarios']): void {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>);
  const nameKey = properties.find(([, property]) => property[VALUES_KEY] === 'scenarios')?.[0];
  const operationKey = properties.find(([, property]) => property[VALUES_KEY] === 'operations-of-scenario')?.[0];
  if (nameKey === undefined || operationKey === undefined || all.length === 0) return;
  // Each branch says the name is required too: generators (Specmatic) drop a `required` beside `oneOf`.
  schema.oneOf = all.map((scenario) => ({ required: [nameKey], properties: { [nameKey]: { const: scenario.name }, [operationKey]: { enum: [...scenario.operations] } } }));
}

const SCENARIO_PARAMETER_REF = '#/components/parameters/SandboxScenario';

/** "Try it out" gets a drop-down of the scenarios of each operation in X-Sandbox-Scenario. */
function offerScenarioNames(document: OpenAPIV3_1.Document, contract: Contract, scenarios: ScenarioSet): void {
  const shared = contract.dereferenced.components?.parameters?.SandboxScenario as OpenAPIV3_1.ParameterObject | undefined;
  if (!shared) return;
  for (const operation of contract.operations) {
    const served = document.paths?.[operation.path]?.[operation.method.toLowerCase() as 'get'];
    const names = scenarios.forOperation(operation.operationId).map((scenario) => scenario.name);
    served?.parameters?.forEach((parameter, index) => {
      if ((parameter as OpenAPIV3_1.ReferenceObject).$ref !== SCENARIO_PARAMETER_REF || names.length === 0) return;
      served.parameters![index] = { ...structuredClone(shared), schema: { ...structuredClone(shared.schema), enum: names } };
    });
  }
}

/** The element ids of the folded sections, which the page's stylesheet lays out (docs-page-style.ts). */
export const SECTION_IDS = { catalogue: 'error-catalogue', decisions: 'sandbox-decisions', scenarios: 'scenarios-and-magic-values' } as const;

/**
 * A generated section of the description, folded under its title: Swagger UI renders `<details>`
 * in Markdown, so the page opens on the operations, as the vendor's reference pages put the call
 * first. The blank lines let the Markdown inside render (an HTML block ends at a blank line).
 */
function folded(id: string, title: string, body: readonly string[]): string {
  return [`<details id="${id}">`, `<summary><h2>${title}</h2></summary>`, '', ...body, '', '</details>', ''].join('\n');
}

function scenarioSection(scenarios: ScenarioSet, contract: Contract): string {
  return folded(SECTION_IDS.scenarios, 'Scenarios and magic values', [
    'Get any documented answer on demand: send `X-Sandbox-Scenario: <name>` (or `Prefer: code=<code>`, the vendor\'s code: 737, not 400),',
    'pin a scenario with `PUT /__sandbox/scenario`, or use a magic value below with no header at all.',
    'Magic values of a world scenario select entities of the default world; the world then answers,',
    'so the same call after a change answers as the real system would. `POST /__sandbox/reset` restores it.',
    'Times are read by the tenant\'s clock, which starts at the tenant\'s first call and moves only when told:',
    '`POST /__sandbox/clock` with `{"advanceSeconds": 301}` releases an open cart\'s lock, `{"time": "2100-01-01T00:00:00Z"}`',
    'passes the default promotion\'s validTill (706 from then on); a reset takes the clock back to its start.',
    '',
    scenarioTable(scenarios, contract.operations),
  ]);
}

/** Every `x-sandbox-decision` of the contract, with the element it concerns. */
function decisionSection(contract: Contract): string {
  return folded(SECTION_IDS.decisions, 'Where the sandbox decided', [
    `Where this document says more than the vendor's pages, or other than them, the element concerned carries \`${DECISION_KEY}\`: what the pages say, what the sandbox chose, and why. All of them:`,
    '',
    decisionList(contract.decisions),
  ]);
}

/** The error catalogue as a Markdown table: code, key, HTTP status, operations, message, condition. */
export function catalogueSection(contract: Contract): string {
  const rows = contract.catalogue.entries.map((entry) => {
    const operations = contract.operations
      .filter((operation) => operation.errors.includes(entry))
      .map((operation) => `\`${operation.operationId}\``)
      .join(', ');
    const key = entry.keySource === 'vendor' ? `\`${entry.key}\`` : `\`${entry.key}\` (sandbox's key)`;
    // Any unknown path gets it, and the calls that reference it when the sandbox does not serve them.
    const where = entry.key === REQUIRED_KEYS.routeNotFound && operations ? `any; ${operations} when not served` : operations || 'any';
    return `| ${entry.code} | ${key} | ${entry.httpStatus} | ${where} | ${cell(entry.message)} | ${cell(entry.condition)} |`;
  });
  return folded(SECTION_IDS.catalogue, 'Error catalogue', [
    'Every error the sandbox answers, read from `components/examples` of this document.',
    '',
    '| Code | Key | HTTP | Operations | Message | When |',
    '|---|---|---|---|---|---|',
    ...rows,
  ]);
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
