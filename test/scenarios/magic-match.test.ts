import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenarios/scenario.js';
import { ScenarioSet } from '../../src/scenarios/scenario-set.js';

const EMPTY_WORLD = { promotions: [], customers: [], earns: [], absentPromotions: [] };
const OPERATION = 'deactivatePromotionForCustomer';

function scenario(name: string, magic: Record<string, string>, operations = [OPERATION]): Scenario {
  return { name, description: name, operations, code: 400, world: EMPTY_WORLD, magic, forced: undefined, file: `${name}.yaml`, source: 'own' };
}

// Which scenario a call's values pick: every magic value of it must appear, the one with the
// most values wins, and only the operation's own scenarios count (ScenarioSet.matchMagic).
describe('magic values: the most specific scenario whose values all appear', () => {
  const set = new ScenarioSet(
    [
      scenario('by-promotion', { promotionId: 'p1' }),
      scenario('by-promotion-and-customer', { promotionId: 'p1', customerId: '7' }),
      scenario('by-customer-and-earn', { customerId: '8', earnId: 'e1' }),
      scenario('by-customer', { customerId: '8' }),
      scenario('other-operation', { promotionId: 'p2' }, ['deactivatePromotionGlobally']),
    ],
    EMPTY_WORLD,
  );

  it.each([
    [{ promotionId: 'p1', customerId: '7' }, 'by-promotion-and-customer'],
    [{ promotionId: 'p1', customerId: '9' }, 'by-promotion'],
    [{ promotionId: 'p1' }, 'by-promotion'],
    [{ customerId: '8', earnId: 'e1' }, 'by-customer-and-earn'],
    [{ customerId: '8', earnId: 'e2' }, 'by-customer'],
    [{ promotionId: 'p1', customerId: '8', earnId: 'e1' }, 'by-customer-and-earn'],
    [{ promotionId: 'p2' }, undefined],
    [{ customerId: '7' }, undefined],
    [{}, undefined],
  ])('%o → %s', (texts, expected) => {
    expect(set.matchMagic(OPERATION, texts)?.name).toBe(expected);
  });
});
