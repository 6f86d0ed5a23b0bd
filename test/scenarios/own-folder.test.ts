// A folder of one's own beside the shipped one: its files add to the shipped scenarios, one
// named after a shipped scenario replaces it, and with onlyOwn it is served alone. The checks
// across files (magic values, the world) run on the union, and a clash names both files.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios, type LoadOptions } from '../../src/scenarios/load-scenarios.js';
import { formatProblem, ScenarioError } from '../../src/scenarios/scenario.js';
import type { ScenarioSet } from '../../src/scenarios/scenario-set.js';
import { compileContractChecks, type ContractChecks } from '../../src/contract/contract-checks.js';
import type { Contract } from '../../src/contract/load-contract.js';
import { validateFolder } from '../../src/scenarios/validate-folder.js';
import { DEFAULT_CONTRACT_PATH } from '../../src/contract/load-contract.js';
import { theContract } from '../helpers/sandbox.js';
import { vipOpenCart } from '../helpers/own-scenario.js';

const SHIPPED = join(DEFAULT_SCENARIOS_DIRECTORY, '.');
const SHIPPED_NAMES = readdirSync(DEFAULT_SCENARIOS_DIRECTORY)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => name.replace(/\.yaml$/, ''));
const HEADER = '# yaml-language-server: $schema=./scenario.schema.json\n';

const VIP = vipOpenCart();

/** A file named open-cart: another customer with a cart, in place of the shipped 737000737. */
const OWN_OPEN_CART = `${HEADER}name: open-cart
description: Our own customer with a cart.
operations: [deactivatePromotionForCustomer]
code: 737
world:
  customers:
    - id: 555000999
      pendingCart: { evaluationId: 65f0c0ffee0000000000e999 }
magic:
  customerId: 555000999
`;

/** A folder holding only `files` (name: text), as a user makes one. */
function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'own-scenarios-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

let contract: Contract;
let checks: ContractChecks;
beforeAll(async () => {
  contract = await theContract();
  checks = compileContractChecks(contract);
});
const load = (folder: string, options: LoadOptions = {}): Promise<ScenarioSet> => loadScenarios(folder, contract, checks, 'active', options);
async function problemsOf(folder: string): Promise<string[]> {
  const error = await load(folder).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as ScenarioError).problems.map(formatProblem);
}
const sourceOf = (set: ScenarioSet, name: string) => {
  const scenario = set.byName(name);
  return scenario && { source: scenario.source, file: scenario.file };
};

describe('a folder of one\'s own beside the shipped scenarios', () => {
  it('adds its scenarios to the shipped ones, and its world to theirs', async () => {
    const folder = folderWith({ 'vip-open-cart.yaml': VIP });
    const set = await load(folder);
    expect(set.scenarios.map((scenario) => scenario.name)).toEqual([...SHIPPED_NAMES, 'vip-open-cart'].sort());
    expect(sourceOf(set, 'vip-open-cart')).toEqual({ source: 'own', file: join(folder, 'vip-open-cart.yaml') });
    expect(sourceOf(set, 'open-cart')).toEqual({ source: 'shipped', file: join(SHIPPED, 'open-cart.yaml') });
    expect(set.replaced).toEqual([]);
    expect(set.world.customers.map((customer) => customer.id)).toEqual(expect.arrayContaining(['555000111', '737000737']));
    expect(set.matchMagic('deactivatePromotionForCustomer', { customerId: '737000737' })?.name).toBe('open-cart');
    expect(set.matchMagic('deactivatePromotionForCustomer', { customerId: '555000111' })?.name).toBe('vip-open-cart');
  });

  it('replaces a shipped scenario with the file named after it, world and magic values too', async () => {
    const folder = folderWith({ 'open-cart.yaml': OWN_OPEN_CART });
    const set = await load(folder);
    expect(set.scenarios).toHaveLength(SHIPPED_NAMES.length);
    expect(sourceOf(set, 'open-cart')).toEqual({ source: 'own', file: join(folder, 'open-cart.yaml') });
    expect(set.replaced).toEqual(['open-cart']);
    // The replaced file's part of the world is gone with it; the other shipped files' stays.
    const customers = set.world.customers.map((customer) => customer.id);
    expect(customers).toContain('555000999');
    expect(customers).not.toContain('737000737');
    expect(set.world.promotions.map((promotion) => promotion.id)).toContain('68fb1e6831d91c625a8d9ef4');
    expect(set.matchMagic('deactivatePromotionForCustomer', { customerId: '737000737' })).toBeUndefined();
    expect(set.matchMagic('deactivatePromotionForCustomer', { customerId: '555000999' })?.name).toBe('open-cart');
  });

  it('a .yml file replaces the shipped scenario of its name too', async () => {
    const set = await load(folderWith({ 'open-cart.yml': OWN_OPEN_CART }));
    expect(set.byName('open-cart')?.source).toBe('own');
    expect(set.replaced).toEqual(['open-cart']);
  });

  it('with onlyOwn, serves the folder alone, with its world alone', async () => {
    const folder = folderWith({ 'vip-open-cart.yaml': VIP });
    const set = await load(folder, { onlyOwn: true });
    expect(set.scenarios.map((scenario) => [scenario.name, scenario.source])).toEqual([['vip-open-cart', 'own']]);
    expect(set.world.customers.map((customer) => customer.id)).toEqual(['555000111']);
    expect(set.world.promotions).toEqual([]);
  });

  it('onlyOwn without a folder of one\'s own is refused, saying what it needs', async () => {
    await expect(load(DEFAULT_SCENARIOS_DIRECTORY, { onlyOwn: true })).rejects.toThrow(/^--only-own-scenarios needs a folder of your own, given with --scenarios <dir>/);
  });

  it('the shipped folder alone is what it always was: every scenario shipped', async () => {
    const set = await load(DEFAULT_SCENARIOS_DIRECTORY);
    expect(set.scenarios.map((scenario) => scenario.name)).toEqual(SHIPPED_NAMES);
    expect(new Set(set.scenarios.map((scenario) => scenario.source))).toEqual(new Set(['shipped']));
  });
});

describe('the checks across files run on the union, and a clash names both files', () => {
  it('magic values a shipped scenario has: the own file, with its place, and the shipped one, with its path', async () => {
    const folder = folderWith({
      'cart-again.yaml': `${HEADER}name: cart-again\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 500\nforced: {}\nmagic: { customerId: 737000737 }\n`,
    });
    expect(await problemsOf(folder)).toEqual([
      `${join(folder, 'cart-again.yaml')}:7:8 /magic: these magic values also select open-cart (${join(SHIPPED, 'open-cart.yaml')}) on deactivatePromotionForCustomer`,
    ]);
  });

  it('a promotion a shipped file defines otherwise', async () => {
    const folder = folderWith({
      'pos-clash.yaml': `${HEADER}name: pos-clash\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\nworld:\n  promotions:\n    - { id: '000000000000000000000707', type: CODE }\n`,
    });
    expect(await problemsOf(folder)).toEqual([
      `${join(folder, 'pos-clash.yaml')}:8:7 /world/promotions/0: promotions 000000000000000000000707 is defined differently in ${join(SHIPPED, 'pos-promotion-unsupported.yaml')}`,
    ]);
  });

  it('a promotion defined in one\'s own world that a shipped scenario says is absent', async () => {
    const folder = folderWith({
      'found-after-all.yaml': `${HEADER}name: found-after-all\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\nworld:\n  promotions:\n    - { id: '000000000000000000000404' }\n`,
    });
    const problems = await problemsOf(folder);
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${escape(join(SHIPPED, 'promotion-not-found.yaml'))}:\\d+:\\d+ /world/absentPromotions/0: promotion 000000000000000000000404 is both absent here and defined in ${escape(join(folder, 'found-after-all.yaml'))}$`),
      ),
    );
  });

  it('a world of one\'s own that changes what a shipped scenario\'s magic values get', async () => {
    // The customer of deactivated-for-customer's magic value, no longer taking part in the promotion.
    const folder = folderWith({
      'lapsed-customer.yaml': `${HEADER}name: lapsed-customer\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 404\nworld:\n  customers:\n    - { id: 200000200, inactivePromotions: ['68fb1e6831d91c625a8d9ef4'] }\n`,
    });
    expect(await problemsOf(folder)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${escape(join(SHIPPED, 'deactivated-for-customer.yaml'))}:\\d+:\\d+ /magic: on deactivatePromotionForCustomer, the world answers the magic values with 404, not 200 \\(customer 200000200 is defined in ${escape(join(folder, 'lapsed-customer.yaml'))}\\)`,
        ),
      ),
    );
  });

  it('a broken file of one\'s own is reported with its path and place, and the shipped files are not', async () => {
    const folder = folderWith({
      'vip-open-cart.yaml': VIP,
      'broken.yaml': `${HEADER}name: broken\ndescription: [unclosed\n`,
      'misnamed.yaml': `${HEADER}name: something-else\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\n`,
    });
    const problems = await problemsOf(folder);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${escape(join(folder, 'broken.yaml'))}:\\d+:\\d+: not valid YAML`)),
      `${join(folder, 'misnamed.yaml')}:2:7 /name: the scenario is named "something-else"; name the file something-else.yaml`,
    ]);
  });

  it('a file of one\'s own named after a shipped scenario but for another scenario is both misnamed and a second one of that name', async () => {
    const folder = folderWith({ 'mine.yaml': OWN_OPEN_CART });
    const problems = await problemsOf(folder);
    expect(problems).toEqual([
      `${join(folder, 'mine.yaml')}:2:7 /name: the scenario is named "open-cart"; name the file open-cart.yaml`,
      `${join(folder, 'mine.yaml')}:2:7 /name: the name open-cart is taken by ${join(DEFAULT_SCENARIOS_DIRECTORY, 'open-cart.yaml')}`,
    ]);
  });
});

describe('validate, on the union', () => {
  it('counts the folder\'s scenarios and the shipped ones, and names those replaced', async () => {
    const folder = folderWith({ 'vip-open-cart.yaml': VIP, 'open-cart.yaml': OWN_OPEN_CART });
    expect(await validateFolder(folder, DEFAULT_CONTRACT_PATH, 'active')).toEqual({
      ok: true,
      lines: [`${SHIPPED_NAMES.length + 1} scenarios, 2 of ${folder} and ${SHIPPED_NAMES.length - 1} shipped (yours replace the shipped open-cart): all valid.`],
    });
    expect(await validateFolder(folder, DEFAULT_CONTRACT_PATH, 'active', true)).toEqual({ ok: true, lines: [`2 scenarios in ${folder}: all valid.`] });
  });
});

describe('what the sandbox serves from the union', () => {
  it('GET /__sandbox/scenarios says where each scenario comes from, and /docs marks the own ones', async () => {
    const folder = folderWith({ 'vip-open-cart.yaml': VIP, 'open-cart.yaml': OWN_OPEN_CART });
    const app = await buildApp(configWith({ logLevel: 'silent', scenarios: folder, validateResponses: true }), { contract, onResponseMismatch: (mismatch) => expect.fail(JSON.stringify(mismatch)) });
    const listed = (await app.inject({ url: '/__sandbox/scenarios', headers: { authorization: 'Basic b3duOng=' } })).json<{ data: { name: string; source: string }[] }>().data;
    const sources = Object.fromEntries(listed.map((scenario) => [scenario.name, scenario.source]));
    expect(sources).toMatchObject({ 'vip-open-cart': 'own', 'open-cart': 'own', 'unexpected-error': 'shipped' });
    expect(Object.keys(sources)).toHaveLength(SHIPPED_NAMES.length + 1);
    const description = (await app.inject({ url: '/openapi.json' })).json<{ info: { description: string } }>().info.description;
    expect(description).toMatch(/\| `vip-open-cart` \|.*\| own \|$/m);
    expect(description).toMatch(/\| `open-cart` \|.*\| own, replacing the shipped one \|$/m);
    expect(description).toMatch(/\| `unexpected-error` \|.*\| shipped \|$/m);
    await app.close();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
