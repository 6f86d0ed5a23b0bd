import $RefParser from '@apidevtools/json-schema-ref-parser';
import { generateSync } from 'json-schema-faker';
import type { OpenAPIV3_1 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAGS } from '../../src/contract/tags.js';
import { DOCS_BASIC, useSandbox } from '../helpers/sandbox.js';

// A test generated from the served document (as Specmatic's generative tests, or any client made
// from it, are) sends only values its schemas allow: the sandbox's own calls must accept every
// one. The operations and scenarios its filters and its pin take are enums of what is in force,
// and numbers carry the maxima the server enforces, so a generated positive request is never 400
// or 422.
const TOKEN = 'operator-token-for-generated-calls-42';
const ROUNDS = 25;
type Method = 'get' | 'put' | 'post' | 'delete';

describe('the sandbox\'s own calls, with values generated from the served document', () => {
  const sandbox = useSandbox({ logLevel: 'silent', adminToken: TOKEN });
  let document: OpenAPIV3_1.Document;
  beforeAll(async () => {
    const served = (await sandbox.app.inject({ url: '/openapi.json' })).json<OpenAPIV3_1.Document>();
    document = await $RefParser.dereference<OpenAPIV3_1.Document>(served);
  });

  /** The sandbox's operations: those of the sandbox tag under /__sandbox/. */
  const operations = () =>
    Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      (['get', 'put', 'post', 'delete'] as Method[])
        .filter((method) => item?.[method]?.tags?.includes(TAGS.sandbox) && path.startsWith('/__sandbox/'))
        .map((method) => ({ path, method, operation: item![method]! })),
    );

  it('the filters and the pin name take only the operations and scenarios in force; numbers are bounded', async () => {
    const listed = (await sandbox.inject({ url: '/__sandbox/scenarios' })).json<{ data: { name: string }[] }>().data.map((scenario) => scenario.name);
    const listRequests = document.paths?.['/__sandbox/requests']?.get?.parameters as OpenAPIV3_1.ParameterObject[];
    const schemaOf = (name: string) => listRequests.find((parameter) => parameter.name === name)?.schema as OpenAPIV3_1.SchemaObject;
    expect(schemaOf('operationId').enum).toEqual(['deactivatePromotionGlobally', 'deactivatePromotionForCustomer']);
    expect(schemaOf('scenario').enum).toEqual(listed);
    for (const name of ['status', 'code', 'limit']) expect(schemaOf(name).maximum, name).toBeLessThanOrEqual(2 ** 31 - 1);
    const pin = document.components?.schemas?.PinRequest as OpenAPIV3_1.SchemaObject;
    expect((pin.properties?.name as OpenAPIV3_1.SchemaObject).enum).toEqual(listed);
    expect(pin.oneOf).toHaveLength(listed.length);
  });

  it('accepts every generated positive request of each of its operations: no 400, no 422', async () => {
    const refused: string[] = [];
    let calls = 0;
    for (const { path, method, operation } of operations()) {
      for (let seed = 1; seed <= ROUNDS; seed += 1) {
        const parameters = (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
        const values = Object.fromEntries(
          parameters
            // `since` may name a request id, which only the tenant's history can hold: no schema says which (400 else, by decision).
            .filter((parameter) => parameter.name !== 'since')
            .filter((parameter) => parameter.required === true || seed % 2 === 0)
            .map((parameter) => [parameter.name, generated(parameter.schema as OpenAPIV3_1.SchemaObject, seed)]),
        );
        const at = (where: string) => parameters.filter((parameter) => parameter.in === where && parameter.name in values);
        const url = path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(String(values[name])));
        const query = new URLSearchParams(at('query').map((parameter): [string, string] => [parameter.name, String(values[parameter.name])])).toString();
        const media = (operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content['application/json'];
        const body = media?.schema ? generated(media.schema, seed) : undefined;
        const response = await sandbox.app.inject({
          method: method.toUpperCase(),
          url: query ? `${url}?${query}` : url,
          headers: {
            authorization: DOCS_BASIC,
            'x-sandbox-operator-token': TOKEN,
            ...Object.fromEntries(at('header').map((parameter) => [parameter.name, String(values[parameter.name])])),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
        calls += 1;
        if (response.statusCode === 400 || response.statusCode === 422) {
          refused.push(`${method.toUpperCase()} ${url}?${query} ${body === undefined ? '' : JSON.stringify(body)} → ${response.statusCode} ${response.body}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(ROUNDS * 10);
    expect(refused).toEqual([]);
  }, 60_000);
});

/** A value the schema allows, by json-schema-faker with a fixed seed (every optional property filled). */
function generated(schema: OpenAPIV3_1.SchemaObject, seed: number): unknown {
  return generateSync(structuredClone(schema) as never, { seed, alwaysFakeOptionals: true });
}
