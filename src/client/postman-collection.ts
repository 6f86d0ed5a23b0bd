import { answerLabel, type DocumentedAnswer } from './documented-answers.js';
import type { ScenarioSet } from '../scenarios/scenario-set.js';
import type { Scenario } from '../scenarios/scenario.js';
import { magicReach } from '../contract/magic-reach.js';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { Contract } from '../contract/load-contract.js';
import { callUrl } from '../contract/operation-call.js';
import type { Operation } from '../contract/operations.js';
import type { Answer } from '../contract/success-answer.js';
import { planChecks } from './plan-checks.js';
import { TAGS } from '../contract/tags.js';

/** The format Postman and newman import: Collection v2.1. */
export const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

/** A credential any `auth` mode but `accounts` takes (the README's): the user sets their own. */
export const PLACEHOLDER_AUTHORIZATION = 'Basic Y2k6Y2k=';

const SCENARIO_HEADER = 'X-Sandbox-Scenario';
const RESET_OPERATION = 'resetTenant';

interface Script {
  readonly listen: 'prerequest' | 'test';
  readonly script: { readonly type: 'text/javascript'; readonly exec: string[] };
}

export interface CollectionRequest {
  readonly name: string;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly header: { readonly key: string; readonly value: string }[];
    readonly description: string;
  };
  readonly event: Script[];
}

export interface CollectionFolder {
  readonly name: string;
  readonly description: string;
  readonly item: (CollectionRequest | CollectionFolder)[];
}

export interface PostmanCollection {
  readonly info: { readonly name: string; readonly description: string; readonly schema: string };
  readonly variable: { readonly key: string; readonly value: string; readonly type: 'string'; readonly description: string }[];
  readonly item: CollectionFolder[];
}

/** What the collection is made from. */
export interface CollectionSources {
  readonly contract: Contract;
  readonly checks: ContractChecks;
  /** The scenario set in force: the shipped scenarios and one's own. */
  readonly scenarios: ScenarioSet;
  /** Each operation's documented success, whose `data` a success's test expects. */
  readonly success: (operation: Operation) => Answer;
  /** Where the sandbox is reached, as the caller reached it. */
  readonly baseUrl: string;
}

/** What a request expects: the HTTP status, and the envelope code or the success's data. */
interface Expected {
  readonly httpStatus: number;
  readonly code?: number;
  readonly data?: unknown;
}

/**
 * A Postman collection of every documented answer of the vendor's calls: a folder per operation,
 * one request per documented answer forced with `X-Sandbox-Scenario` (the scenario `Prefer:
 * code=N` would pick), a second one with the scenario's magic values and no header where it has
 * them, and a sub-folder for the operation's other scenarios (a sequence as its calls in order;
 * a slow answer timed; a dropped connection only named, as no test can pass on no answer).
 * Every request but a sequence's later calls resets the tenant first, so none depends on
 * another's changes to the world.
 */
export function postmanCollection(sources: CollectionSources): PostmanCollection {
  const { contract, checks, scenarios } = sources;
  const found = contract.operations.find((operation) => operation.operationId === RESET_OPERATION);
  if (!found) throw new Error(`the contract has no ${RESET_OPERATION}, which each request of the collection calls first`);
  const reset: Operation = found;
  const request = requestMaker(reset);
  const plan = planChecks(contract, checks, { sandbox: true });
  const folders = contract.operations
    .filter((operation) => operation.tags.includes(TAGS.promotions))
    .map((operation) => operationFolder(operation, plan.filter((check) => check.answer.operationId === operation.operationId), sources));
  return {
    info: {
      name: contract.document.info.title,
      description: [
        `Every documented answer of ${contract.document.info.title}, generated from its contract and the scenarios in force.`,
        'Set the collection variable `authorization` to your credential (`Basic base64(user:md5(password))`) and run the collection.',
        `Each request but a sequence's later calls first resets your tenant (${reset.method} ${reset.path}): running it discards your world's changes.`,
      ].join('\n\n'),
      schema: COLLECTION_SCHEMA,
    },
    variable: [
      { key: 'baseUrl', value: sources.baseUrl, type: 'string', description: 'Where the sandbox is reached (as this collection was downloaded from).' },
      { key: 'authorization', value: PLACEHOLDER_AUTHORIZATION, type: 'string', description: 'The Authorization header every request sends: a placeholder; set your own.' },
    ],
    item: folders,
  };

  function operationFolder(operation: Operation, planned: ReturnType<typeof planChecks>, { success }: CollectionSources): CollectionFolder {
    const chosen = new Set<Scenario>();
    const missing: string[] = [];
    const requests: CollectionRequest[] = [];
    for (const check of planned) {
      const scenario = scenarios.preferred(operation.operationId, check.answer.code);
      if (!check.request || !scenario) {
        missing.push(`${answerLabel(check.answer)}: ${check.skipped ?? 'no scenario answers it'}`);
        continue;
      }
      chosen.add(scenario);
      const expected = expectedOfCode(check.answer.code, operation, success);
      const condition = conditionOf(check.answer, operation, success);
      requests.push(request(`${answerLabel(check.answer)} (${scenario.name})`, operation.method, check.request.path, { [SCENARIO_HEADER]: scenario.name }, condition, expected));
      const magic = magicPath(operation, scenario);
      if (magic) requests.push(request(`${answerLabel(check.answer)} (${scenario.name}, magic values)`, operation.method, magic, {}, condition, expected));
    }
    const others = scenarios.forOperation(operation.operationId).filter((scenario) => !chosen.has(scenario));
    const more = otherScenarios(operation, others, success);
    const description = [
      `${operation.operationId}: ${operation.method} ${operation.path}. One request per documented answer, forced with ${SCENARIO_HEADER}, and one with the scenario's magic values where it has them.`,
      ...(operation.errors.some((entry) => entry.httpStatus === 429)
        ? ["A rate limit spent for real (a minute's budget of requests) is not included: the forced 429 answers as one without spending it."]
        : []),
      ...missing.map((line) => `Not included: ${line}.`),
    ].join('\n\n');
    return { name: operation.operationId, description, item: [...requests, ...(more ? [more] : [])] };
  }

  /** The operation's scenarios no documented answer picked: what a client's retries, timeouts and error handling meet. */
  function otherScenarios(operation: Operation, others: readonly Scenario[], success: CollectionSources['success']): CollectionFolder | undefined {
    if (others.length === 0) return undefined;
    const notes: string[] = [];
    const item: (CollectionRequest | CollectionFolder)[] = [];
    for (const scenario of others) {
      const path = callUrl(operation, {});
      const forced = { [SCENARIO_HEADER]: scenario.name };
      if (scenario.forced?.dropConnection || scenario.code === undefined) {
        notes.push(`${scenario.name} is not included: the connection closes with no answer, which no request's test can pass on. ${scenario.description}`);
      } else if (scenario.forced?.sequence) {
        const calls = scenario.forced.sequence.map((code, index) =>
          request(`${index + 1}. ${code}`, operation.method, path, forced, scenario.description, expectedOfCode(code, operation, success), index > 0),
        );
        item.push({ name: `${scenario.name} (a sequence of ${calls.length} calls, in order)`, description: `${scenario.description}\n\nThe first call resets the tenant, which starts the sequence again; run the calls in this order.`, item: calls });
      } else {
        const latency = scenario.forced?.latencyMs;
        const timed = request(scenario.name, operation.method, path, forced, scenario.description, expectedOfCode(scenario.code, operation, success));
        if (latency) timed.event.push(testScript([`pm.test('answers after ${latency} ms or more', function () {`, `  pm.expect(pm.response.responseTime).to.be.at.least(${latency});`, '});']));
        item.push(timed);
      }
    }
    return { name: 'More scenarios', description: [`The other scenarios of ${operation.operationId}.`, ...notes].join('\n\n'), item };
  }

  function expectedOfCode(code: number, operation: Operation, success: CollectionSources['success']): Expected {
    if (operation.responses[String(code)] && /^2\d\d$/.test(String(code))) return { httpStatus: code, data: dataOf(success(operation)) };
    const entry = operation.errors.find((candidate) => candidate.code === code) ?? contract.catalogue.entries.find((candidate) => candidate.code === code);
    if (!entry) throw new Error(`${operation.operationId}: a scenario answers ${code}, which the catalogue does not have`);
    return { httpStatus: entry.httpStatus, code: entry.code };
  }
}

/** The condition of the catalogue's entry (`x-condition`), or the success response's description. */
function conditionOf(answer: DocumentedAnswer, operation: Operation, success: CollectionSources['success']): string {
  if (answer.key === null) return operation.responses[String(answer.httpStatus)]?.description ?? `HTTP ${success(operation).statusCode}`;
  return operation.errors.find((entry) => entry.code === answer.code)?.condition ?? answer.key;
}

function dataOf(answer: Answer): unknown {
  return (answer.body as { data?: unknown } | undefined)?.data;
}

/** The call with the scenario's magic values (the others as the contract's examples); undefined when it has none this operation takes. */
function magicPath(operation: Operation, scenario: Scenario): string | undefined {
  if (!magicReach(scenario, [operation]).includes(operation)) return undefined;
  return callUrl(operation, scenario.magic);
}

/**
 * Makes requests: each sends `Authorization: {{authorization}}` and tests the HTTP status and
 * `errors[0].code` (or the success's `data`); all but a sequence's later calls reset the tenant first.
 */
function requestMaker(reset: Operation) {
  const resetFirst = prerequestScript([
    `pm.sendRequest({ url: pm.variables.replaceIn('{{baseUrl}}${reset.path}'), method: '${reset.method}', header: { Authorization: pm.variables.replaceIn('{{authorization}}') } }, function (error, response) {`,
    '  if (error) throw error;',
    `  if (response.code !== 200) throw new Error('the reset answered ' + response.code + ': ' + response.text());`,
    '});',
  ]);
  return (name: string, method: string, path: string, headers: Record<string, string>, description: string, expected: Expected, continuesSequence = false): CollectionRequest => {
    const header = [{ key: 'Authorization', value: '{{authorization}}' }, ...Object.entries(headers).map(([key, value]) => ({ key, value }))];
    const body =
      expected.code === undefined
        ? [`pm.test(${JSON.stringify(`data is ${JSON.stringify(expected.data)}`)}, function () {`, `  pm.expect(pm.response.json().data).to.eql(${JSON.stringify(expected.data)});`, '});']
        : [`pm.test(${JSON.stringify(`errors[0].code is ${expected.code}`)}, function () {`, `  pm.expect(pm.response.json().errors[0].code).to.eql(${expected.code});`, '});'];
    const status = [`pm.test('HTTP ${expected.httpStatus}', function () {`, `  pm.response.to.have.status(${expected.httpStatus});`, '});'];
    return {
      name,
      request: { method, url: `{{baseUrl}}${path}`, header, description },
      event: [...(continuesSequence ? [] : [resetFirst]), testScript([...status, ...body])],
    };
  };
}

function prerequestScript(exec: string[]): Script {
  return { listen: 'prerequest', script: { type: 'text/javascript', exec } };
}

function testScript(exec: string[]): Script {
  return { listen: 'test', script: { type: 'text/javascript', exec } };
}
