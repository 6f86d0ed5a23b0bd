import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAccounts } from '../../src/auth/accounts-file.js';
import { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

const polluted = () => ({}) as Record<string, unknown>;

describe('__proto__, constructor and prototype keys never change a prototype', () => {
  afterEach(() => {
    expect(polluted().polluted).toBeUndefined();
    expect(polluted().isAdmin).toBeUndefined();
  });

  it.each([
    ['a top-level __proto__', '__proto__:\n  polluted: true\n'],
    ['__proto__ in the world', 'world:\n  __proto__:\n    polluted: true\n'],
    ['constructor.prototype in magic values', 'magic:\n  constructor:\n    prototype:\n      polluted: true\n'],
    ['a prototype key in a promotion', "world:\n  promotions:\n    - id: '0000000000000000000000aa'\n      prototype: { polluted: true }\n"],
  ])('in a scenario file: %s is refused as an unknown property', async (_name, extra) => {
    const folder = mkdtempSync(join(tmpdir(), 'proto-'));
    cpSync(DEFAULT_SCENARIOS_DIRECTORY, folder, { recursive: true });
    writeFileSync(join(folder, 'hostile.yaml'), `name: hostile\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: {}\n${extra}`);
    const contract = await theContract();
    await expect(loadScenarios(folder, contract, compileContractChecks(contract), 'active')).rejects.toThrow(/hostile\.yaml/);
  });

  it('in the accounts file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'proto-')), 'accounts.yaml');
    writeFileSync(file, 'accounts:\n  - username: a\n    password: b\n    __proto__: { isAdmin: true }\n');
    await expect(loadAccounts(file)).rejects.toThrow(/accounts file/);
    writeFileSync(file, '__proto__: { isAdmin: true }\naccounts:\n  - { username: a, password: b }\n');
    await expect(loadAccounts(file)).rejects.toThrow(/accounts file/);
  });

  describe('in admin calls with hostile JSON', () => {
    const sandbox = useSandbox({ logLevel: 'silent' });

    it.each([
      '{"name": "open-cart", "__proto__": {"polluted": true}}',
      '{"name": "open-cart", "constructor": {"prototype": {"polluted": true}}}',
      '{"__proto__": {"name": "open-cart"}}',
    ])('PUT /__sandbox/scenario %s is 400', async (payload) => {
      const response = await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(400);
      expect((await sandbox.inject({ url: '/__sandbox/scenario' })).json()).toEqual({ data: null, errors: [] });
    });

    it('POST /v3/oauth/token/generate with a __proto__ key is 400', async () => {
      const response = await sandbox.inject({ method: 'POST', url: '/v3/oauth/token/generate', headers: { 'content-type': 'application/json' }, payload: '{"key": "k", "secret": "s", "__proto__": {"polluted": 1}}' });
      expect(response.statusCode).toBe(400);
    });
  });
});
