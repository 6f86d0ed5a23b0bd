import type { InjectOptions } from 'fastify';

let counter = 0;

/** A promotion id and a customer id no other call of the test run uses. */
export function freshIds(): { promotionId: string; customerId: string } {
  counter += 1;
  return { promotionId: `f${String(counter).padStart(23, '0')}`, customerId: String(900_000_000 + counter) };
}

export interface CallValues {
  readonly promotionId: string;
  readonly customerId?: string;
  readonly earnId?: string;
}

/** The call of an operation with the given values, as `inject` takes it. */
export function callOf(operationId: string, values: CallValues, headers: Record<string, string> = {}): InjectOptions {
  const path = `/api_gateway/v1/promotions/${values.promotionId}/deactivate`;
  if (operationId === 'deactivatePromotionGlobally') return { method: 'PUT', url: path, headers };
  const query = new URLSearchParams({ customerId: values.customerId ?? freshIds().customerId });
  if (values.earnId !== undefined) query.set('earnId', values.earnId);
  return { method: 'POST', url: `${path}?${query.toString()}`, headers };
}

/** The code a client reads from an answer: errors[0].code, or the HTTP status of a success. */
export function codeOf(response: { statusCode: number; json: () => unknown }): number {
  const body = response.json() as { errors?: { code: number }[] };
  return body.errors?.[0]?.code ?? response.statusCode;
}
