import { describe, expect, it } from 'vitest';
import { useSandbox } from '../helpers/sandbox.js';
import { callOf, freshIds } from '../helpers/calls.js';

describe('parallel calls that change one world', () => {
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: 100_000 });

  it('200 identical deactivations give exactly one 200; the rest 404', async () => {
    const call = callOf('deactivatePromotionForCustomer', freshIds());
    const statuses = (await Promise.all(Array.from({ length: 200 }, () => sandbox.inject(call)))).map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(199);
  });
});
