import type { OpenAPIV3_1 } from 'openapi-types';
import type { Operation } from './operations.js';

/** A ready answer: status and JSON body (or none). */
export interface Answer {
  readonly statusCode: number;
  readonly body: unknown;
  /** The body serialized, once. */
  readonly text?: string;
}

/**
 * The documented success of an operation: its lowest 2xx response, with the example the contract
 * gives, else a body generated from the schema by json-schema-faker with a fixed seed, so an
 * operation added to the document is served without code changes and answers the same every time.
 */
export async function successAnswer(operation: Operation, seed: number): Promise<Answer> {
  const status = Object.keys(operation.responses)
    .filter((code) => /^2\d\d$/.test(code))
    .sort()[0];
  if (status === undefined) throw new Error(`${operation.operationId} declares no 2xx response`);
  const media = operation.responses[status]?.content?.['application/json'];
  const body = media ? (exampleOf(media) ?? (await generated(media.schema, seed))) : undefined;
  return { statusCode: Number(status), body, ...(body === undefined ? {} : { text: JSON.stringify(body) }) };
}

function exampleOf(media: OpenAPIV3_1.MediaTypeObject): unknown {
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return first && 'value' in first ? first.value : undefined;
}

async function generated(schema: OpenAPIV3_1.SchemaObject | undefined, seed: number): Promise<unknown> {
  if (!schema) return undefined;
  // Loaded only for an operation without an example, and not at all for the shipped contract with
  // the default seed, whose answers are stored at build (success-cache.ts): a faster start.
  const { generateSync } = await import('json-schema-faker');
  // json-schema-faker gets its own copy: the contract is frozen.
  return generateSync(structuredClone(schema) as never, { seed, alwaysFakeOptionals: true });
}
