import { describe, expect, it } from 'vitest';
import { participationKey } from '../../src/world/tenant-changes.js';

describe('a participation\'s key', () => {
  it('is customer/promotion, whatever key was asked for before it', () => {
    const asked: [string, string, string][] = [
      ['1', 'aa', '1/aa'],
      ['1', 'aa', '1/aa'],
      ['1', 'bb', '1/bb'],
      ['2', 'bb', '2/bb'],
      ['1', 'aa', '1/aa'],
      ['', '', '/'],
      ['12/3', '4', '12/3/4'],
    ];
    for (const [customerId, promotionId, key] of asked) expect(participationKey(customerId, promotionId)).toBe(key);
  });
});
