import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import type { ResponseMismatch } from '../../src/http/response-check.js';
import { loadContract } from '../../src/contract/load-contract.js';
import { useSandbox } from '../helpers/sandbox.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-contract.yaml', import.meta.url));
const TINY_SCENARIOS = fileURLToPath(new URL('../fixtures/tiny-scenarios/', import.meta.url));
const tinyContract = () => loadContract(TINY);

describe('operations the sandbox has no code for are served from the contract', () => {
  const sandbox = useSandbox({ logLevel: 'silent', contract: TINY, scenarios: TINY_SCENARIOS, onlyOwnScenarios: true }, tinyContract);

  it('answers from the operation\'s example', async () => {
    const response = await sandbox.app.inject({ url: '/widgets/7?verbose=true' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 7, colour: 'blue', tags: ['small'] });
  });

  it('validates its parameters against the contract', async () => {
    const badId = await sandbox.app.inject({ url: '/widgets/seven' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toEqual({
      data: null,
      errors: [{ code: 400, message: 'Invalid input. Path parameter widgetId must be an integer (got "seven").' }],
    });
    const badFlag = await sandbox.app.inject({ url: '/widgets/7?verbose=maybe' });
    expect(badFlag.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain('verbose must be a boolean');
  });

  it('generates a body from the schema when there is no example, the same on every run', async () => {
    const first = (await sandbox.app.inject({ url: '/gadgets' })).json<{ total: number; gadgets: { name: string; serial: string }[] }>();
    expect(first.gadgets.length).toBeGreaterThan(0);
    for (const gadget of first.gadgets) expect(gadget.serial).toMatch(/^[0-9a-f]{8}$/);
    const again = await buildApp(configWith({ logLevel: 'silent', contract: TINY, scenarios: TINY_SCENARIOS, onlyOwnScenarios: true }));
    expect((await again.inject({ url: '/gadgets' })).json()).toEqual(first);
    await again.close();
  });

  it('validates a declared JSON request body and answers a body-less success', async () => {
    const missing = await sandbox.app.inject({ method: 'POST', url: '/gizmos' });
    expect(missing.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain('A JSON body is required');
    const wrong = await sandbox.app.inject({ method: 'POST', url: '/gizmos', payload: { name: '' } });
    expect(wrong.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain('Body /name must NOT have fewer than 1 characters');
    const created = await sandbox.app.inject({ method: 'POST', url: '/gizmos', payload: { name: 'g' } });
    expect(created.statusCode).toBe(201);
    expect(created.body).toBe('');
  });
});

describe('answers that break the contract are caught', () => {
  it('reports the mismatch to the caller and logs it loudly with --validate-responses', async () => {
    const mismatches: ResponseMismatch[] = [];
    const lines: string[] = [];
    const app = await buildApp(configWith({ logLevel: 'info', contract: TINY, scenarios: TINY_SCENARIOS, onlyOwnScenarios: true, validateResponses: true }), {
      onResponseMismatch: (mismatch) => mismatches.push(mismatch),
      logStream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
    });
    const response = await app.inject({ url: '/broken' });
    expect(response.statusCode).toBe(200);
    expect(mismatches).toEqual([
      { method: 'GET', url: '/broken', statusCode: 200, problems: ['getBroken 200: body/id must be integer'] },
    ]);
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.msg === 'answer does not match the contract');
    expect(logged?.level).toBe(50);
    await app.close();
  });

  it('checks nothing at run time without the flag', async () => {
    const lines: string[] = [];
    const app = await buildApp(configWith({ logLevel: 'info', contract: TINY, scenarios: TINY_SCENARIOS, onlyOwnScenarios: true }), {
      logStream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
    });
    await app.inject({ url: '/broken' });
    expect(lines.some((line) => line.includes('does not match'))).toBe(false);
    await app.close();
  });
});
