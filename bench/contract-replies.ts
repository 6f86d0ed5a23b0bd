// What the benches' servers answer, read from the contract rather than written here: the
// documented success of the per-customer call, and the catalogue entry the forced-error shape's
// scenario names. Bare Fastify sends these bytes as they are (so its replies are the sandbox's
// size without any of the sandbox's work), and the peers' stubs are made from the same success.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadContract } from '../src/contract/load-contract.js';
import type { Operation } from '../src/contract/operations.js';

export const CONTRACT_PATH = fileURLToPath(new URL('../openapi/promotions.yaml', import.meta.url));
export const OPERATION_ID = 'deactivatePromotionForCustomer';
/** The scenario the forced-error shape asks for by header. */
export const FORCED_SCENARIO = 'open-cart';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export interface ContractReplies {
  readonly operation: Operation;
  readonly success: Reply;
  readonly forcedError: Reply;
}

function successOf(operation: Operation): Reply {
  const [status, response] = Object.entries(operation.responses).find(([code]) => /^2\d\d$/.test(code)) ?? [];
  const example = response?.content?.['application/json']?.example as unknown;
  if (!status || example === undefined) throw new Error(`${operation.operationId}: the contract documents no success example`);
  return { status: Number(status), body: example };
}

export async function contractReplies(): Promise<ContractReplies> {
  const contract = await loadContract(CONTRACT_PATH);
  const operation = contract.operations.find((each) => each.operationId === OPERATION_ID);
  if (!operation) throw new Error(`the contract has no operation ${OPERATION_ID}`);
  const scenario = parseYaml(readFileSync(fileURLToPath(new URL(`../scenarios/${FORCED_SCENARIO}.yaml`, import.meta.url)), 'utf8')) as { code?: number };
  const entry = operation.errors.find((each) => each.code === scenario.code);
  if (!entry) throw new Error(`${OPERATION_ID} documents no error ${scenario.code} (scenario ${FORCED_SCENARIO})`);
  const example = contract.dereferenced.components?.examples?.[entry.id] as { value?: unknown } | undefined;
  return { operation, success: successOf(operation), forcedError: { status: entry.httpStatus, body: example?.value } };
}
