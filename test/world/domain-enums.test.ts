import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIRECTORY } from '../../src/scenarios/load-scenarios.js';
import { readScenarioFile } from '../../src/scenarios/read-scenario-file.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { EARN_STATUSES, EARNED_FROM_TYPES, PROMOTION_MODES, PROMOTION_STATUSES, PROMOTION_TYPES, UNKNOWN_PROMOTIONS, UNTIL_RESET } from '../../src/world/model.js';
import { theContract } from '../helpers/sandbox.js';

const SCHEMA = JSON.parse(readFileSync(join(DEFAULT_SCENARIOS_DIRECTORY, 'scenario.schema.json'), 'utf8')) as Record<string, unknown>;

/** Where the scenario schema lists a domain's values, and model.ts's list of them. */
const MODEL_OF_SCHEMA_ENUM: Readonly<Record<string, readonly string[]>> = {
  '/$defs/world/properties/promotions/items/properties/type': PROMOTION_TYPES,
  '/$defs/world/properties/promotions/items/properties/mode': PROMOTION_MODES,
  '/$defs/world/properties/promotions/items/properties/status': PROMOTION_STATUSES,
  '/$defs/world/properties/earns/items/properties/earnedFromType': EARNED_FROM_TYPES,
  '/$defs/world/properties/earns/items/properties/status': EARN_STATUSES,
};

/** Every `enum` in a schema, by JSON pointer. */
function enumsOf(node: unknown, pointer = ''): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>();
  if (node === null || typeof node !== 'object') return found;
  if (Array.isArray((node as { enum?: unknown }).enum)) found.set(pointer, (node as { enum: unknown[] }).enum);
  for (const [key, child] of Object.entries(node)) {
    for (const [at, values] of enumsOf(child, `${pointer}/${key}`)) found.set(at, values);
  }
  return found;
}

describe('the domain\'s values, written in the scenario schema and the contract, are model.ts\'s', () => {
  it('every enum of the scenario schema is the list model.ts has for it, in the same order', () => {
    const enums = enumsOf(SCHEMA);
    // An enum added to the schema, or a list added to the model, has its counterpart.
    expect([...enums.keys()].sort()).toEqual(Object.keys(MODEL_OF_SCHEMA_ENUM).sort());
    for (const [pointer, values] of enums) expect(values, pointer).toEqual(MODEL_OF_SCHEMA_ENUM[pointer]);
  });

  it('a value the file leaves out is the schema\'s default, in the world the sandbox reads', async () => {
    const text = [
      'name: defaults',
      'description: Nothing but ids.',
      'operations: [deactivatePromotionForCustomer]',
      'code: 200',
      'world:',
      '  promotions: [{ id: 0000000000000000000000aa }]',
      '  customers: [{ id: 1, pendingCart: { evaluationId: e1 } }]',
      '  earns: [{ id: 0000000000000000000000bb, customerId: 1, promotionId: 0000000000000000000000aa, earnedFromType: ACTIVITY }]',
    ].join('\n');
    // Compiled as the sandbox compiles it.
    const read = readScenarioFile('defaults.yaml', text, compileContractChecks(await theContract()).compile(SCHEMA), 'own');
    if (!('scenario' in read)) throw new Error(JSON.stringify(read.problems));
    const world = read.scenario.world as unknown as Record<string, Record<string, unknown>[]>;
    const entities = (SCHEMA as { $defs: { world: { properties: Record<string, { items?: { properties?: Record<string, { default?: unknown }> } }> } } }).$defs.world.properties;
    // Where the world holds a default in another shape than the file's: the file's field, and how the world has its default.
    const reshaped: Readonly<Record<string, (entity: Record<string, unknown>, value: unknown) => void>> = {
      // No job runs: the world has no expiry job at all.
      expiryJobRunning: (entity, value) => expect(value === false && entity.expiryJob === undefined).toBe(true),
    };
    let defaulted = 0;
    for (const [list, { items }] of Object.entries(entities)) {
      const all = Object.entries(items?.properties ?? {}).flatMap(([name, property]) => ('default' in property ? [[name, property.default] as const] : []));
      for (const [name, value] of all) if (reshaped[name]) reshaped[name](world[list]?.[0] ?? {}, value);
      const defaults = Object.fromEntries(all.filter(([name]) => !reshaped[name]));
      if (Object.keys(defaults).length === 0) continue;
      defaulted += 1;
      expect(world[list]?.[0], list).toMatchObject(defaults);
    }
    expect(defaulted).toBeGreaterThan(0);
    // A pending cart's lock: the schema's lockSeconds default, as a length from the tenant's clock start.
    const cart = (entities.customers as unknown as { items: { properties: { pendingCart: { properties: { lockSeconds: { default: number } } } } } }).items.properties.pendingCart;
    expect(world.customers?.[0]?.pendingCart).toEqual({ evaluationId: 'e1', lock: { seconds: cart.properties.lockSeconds.default } });
  });

  it('a file\'s times read as lengths from the clock start, fixed ends, or until the reset', async () => {
    const text = [
      'name: times',
      'description: Every way to say how long.',
      'operations: [deactivatePromotionGlobally]',
      'code: 811',
      'world:',
      '  promotions:',
      '    - { id: 0000000000000000000000a1, expiryJobRunning: true }',
      '    - { id: 0000000000000000000000a2, expiryJobRunning: true, expiryJobSeconds: 60 }',
      "    - { id: 0000000000000000000000a3, expiryJobRunning: true, expiryJobUntil: '2027-01-01T01:00:00+01:00' }",
      '    - { id: 0000000000000000000000a4, expiryJobRunning: true, expiryJobSeconds: until-reset }',
      "    - { id: 0000000000000000000000a5, validFrom: '2026-01-01', validTill: '2026-12-31T23:00:00Z' }",
      '  customers:',
      '    - { id: 1, pendingCart: { evaluationId: e1, lockSeconds: until-reset } }',
      "    - { id: 2, pendingCart: { evaluationId: e2, lockedUntil: '2027-01-01T00:00:00Z' } }",
      'magic: { promotionId: 0000000000000000000000a1 }',
    ].join('\n');
    const read = readScenarioFile('times.yaml', text, compileContractChecks(await theContract()).compile(SCHEMA), 'own');
    if (!('scenario' in read)) throw new Error(JSON.stringify(read.problems));
    const { promotions, customers } = read.scenario.world;
    expect(promotions.map((promotion) => promotion.expiryJob)).toEqual([{ seconds: 900 }, { seconds: 60 }, { until: Date.UTC(2027, 0, 1) }, { untilReset: true }, undefined]);
    expect(promotions[4]).toMatchObject({ validFrom: '2026-01-01', validTill: '2026-12-31T23:00:00Z' });
    expect(customers.map((customer) => customer.pendingCart?.lock)).toEqual([{ untilReset: true }, { until: Date.UTC(2027, 0, 1) }]);
  });

  it('a length that lasts until the reset is written as the model spells it', () => {
    const lasting = (SCHEMA as { $defs: { lastingSeconds: { anyOf: { const?: string }[] } } }).$defs.lastingSeconds.anyOf.find((option) => option.const !== undefined);
    expect(lasting?.const).toBe(UNTIL_RESET);
  });

  it('the contract\'s state answer names the --unknown-promotions modes the world has', async () => {
    const { dereferenced } = await theContract();
    const state = dereferenced.components?.schemas?.StateEnvelope as { properties: { data: { properties: { unknownPromotions: { enum: unknown[] } } } } };
    expect(state.properties.data.properties.unknownPromotions.enum).toEqual(UNKNOWN_PROMOTIONS);
  });
});
