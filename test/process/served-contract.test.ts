import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { vipOpenCart } from '../helpers/own-scenario.js';

// The document the built command serves, with a scenario folder of one's own: its sandbox calls
// take what is in force, its magic values are listed where they reach, and the paths it answers
// beyond the vendor's (its docs) and the answers it gives beyond them (408, 414, 431) are declared.
const BASIC = { authorization: 'Basic cGFydG5lcjpxYQ==' };
const GLOBAL = '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate';

describe('the contract promotions-sandbox serves (dist/cli.js, --scenarios of its own)', () => {
  let sandbox: ReturnType<typeof startCli>;
  let url = '';
  let folder = '';
  let document: OpenAPIV3_1.Document;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'served-contract-'));
    writeFileSync(join(folder, 'vip-open-cart.yaml'), vipOpenCart());
    sandbox = startCli(['--scenarios', folder], { HOST: '127.0.0.1', PORT: '0' });
    url = await listeningUrl(sandbox.output);
    document = (await (await fetch(`${url}/openapi.json`)).json()) as OpenAPIV3_1.Document;
  });
  afterAll(async () => {
    sandbox.child.kill('SIGTERM');
    await sandbox.finished;
    rmSync(folder, { recursive: true, force: true });
  });

  it('GET /__sandbox/requests and the pin take the scenarios in force (one\'s own too) and the recorded operations alone', async () => {
    const names = ((await (await fetch(`${url}/__sandbox/scenarios`, { headers: BASIC })).json()) as { data: { name: string }[] }).data.map((scenario) => scenario.name);
    expect(names).toContain('vip-open-cart');
    const parameters = document.paths?.['/__sandbox/requests']?.get?.parameters as OpenAPIV3_1.ParameterObject[];
    const schema = (name: string) => parameters.find((parameter) => parameter.name === name)?.schema as OpenAPIV3_1.SchemaObject;
    expect(schema('scenario').enum).toEqual(names);
    expect(schema('operationId').enum).toEqual(['deactivatePromotionGlobally', 'deactivatePromotionForCustomer']);
    expect([schema('limit').maximum, schema('code').maximum]).toEqual([2 ** 31 - 1, 2 ** 31 - 1]);
    const pin = document.components?.schemas?.PinRequest as OpenAPIV3_1.SchemaObject;
    expect((pin.properties?.name as OpenAPIV3_1.SchemaObject).enum).toEqual(names);
    expect(pin.oneOf).toContainEqual({ required: ['name'], properties: { name: { const: 'vip-open-cart' }, operation: { enum: ['deactivatePromotionForCustomer'] } } });
  });

  it("lists invalid-input's magic customerId under the per-customer call alone: the global call has no customer", async () => {
    const list = ((await (await fetch(`${url}/__sandbox/scenarios`, { headers: BASIC })).json()) as { data: { name: string; magic: object }[] }).data;
    expect(list.find((scenario) => scenario.name === 'invalid-input')?.magic).toEqual({ deactivatePromotionForCustomer: { customerId: 'not-a-number' } });
    expect(list.find((scenario) => scenario.name === 'vip-open-cart')?.magic).toEqual({ deactivatePromotionForCustomer: { customerId: '555000111' } });
    // What the listing no longer claims: on the global call the value selects nothing.
    expect((await fetch(`${url}${GLOBAL}?customerId=not-a-number`, { method: 'PUT', headers: BASIC })).status).toBe(200);
  });

  it('declares the docs page\'s paths (a POST to them is 405) and the 408, 414 and 431 of the vendor\'s calls', async () => {
    for (const path of ['/openapi.json', '/openapi.yaml', '/docs']) {
      expect(document.paths?.[path]?.get?.['x-sandbox-served-by' as never], path).toBe('docs-page');
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
      const post = await fetch(`${url}${path}`, { method: 'POST' });
      expect([post.status, post.headers.get('allow')], path).toEqual([405, 'GET, HEAD']);
    }
    for (const operation of [document.paths?.[GLOBAL.replace('68fb1e6831d91c625a8d9ef4', '{promotionId}')]?.put, document.paths?.['/api_gateway/v1/promotions/{promotionId}/deactivate']?.post]) {
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['408', '414', '431']));
    }
    const long = await fetch(`${url}${GLOBAL}?pad=${'a'.repeat(9000)}`, { method: 'PUT', headers: BASIC });
    expect([long.status, ((await long.json()) as { errors: { code: number }[] }).errors[0]?.code]).toEqual([414, 414]);
  });

  it('answers a trailing slash as the path without it, and says so where it decided', async () => {
    expect((await fetch(`${url}${GLOBAL}/`, { method: 'PUT', headers: BASIC })).status).toBe(200);
    expect((document as { 'x-sandbox-decision'?: string[] })['x-sandbox-decision']).toContainEqual(expect.stringContaining('trailing slash'));
    expect((document as { 'x-rate-limit'?: { source?: string } })['x-rate-limit']?.source).toMatch(/^The older per-customer page/);
  });
});
