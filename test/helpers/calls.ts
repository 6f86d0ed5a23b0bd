import type { InjectOptions } from 'fastify';
import { callUrl, type ParameterValues } from '../../src/contract/operation-call.js';
import type { Operation } from '../../src/contract/operations.js';
import { theContract } from './sandbox.js';

const shipped = await theContract();

let counter = 0;

/** A promotion id and a customer id no other call of the test run uses. */
export function freshIds(): { promotionId: string; customerId: string } {
  counter += 1;
  return { promotionId: `f${String(counter).padStart(23, '0')}`, customerId: String(900_000_000 + counter) };
}

/** The call of an operation of the shipped contract with the given values, as `inject` takes it. */
export function callOf(operationId: string, values: ParameterValues = {}, headers: Record<string, string> = {}): InjectOptions {
  const operation = shipped.operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`the shipped contract has no operation ${operationId}`);
  return callOfOperation(operation, values, headers);
}

/**
 * The call of any contract's operation, at its own method and path template. A promotion or a
 * customer the values leave out is a fresh one, so that calls never share a world's entity by
 * accident; any other required parameter gets the contract's example.
 */
export function callOfOperation(operation: Operation, values: ParameterValues = {}, headers: Record<string, string> = {}): InjectOptions {
  const fresh = freshIds();
  const withFresh = { ...values, promotionId: values.promotionId ?? fresh.promotionId, customerId: values.customerId ?? fresh.customerId };
  return { method: operation.method, url: callUrl(operation, withFresh), headers };
}

/** The code a client reads from an answer: errors[0].code, or the HTTP status of a success. */
export function codeOf(response: { statusCode: number; json: () => unknown }): number {
  const body = response.json() as { errors?: { code: number }[] };
  return body.errors?.[0]?.code ?? response.statusCode;
}
