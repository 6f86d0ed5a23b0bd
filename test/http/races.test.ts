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

describe('parallel calls that change one world in different ways', () => {
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: 100_000 });

  it('give the results of some serial order: a customer is refused only once the global call was applied', async () => {
    const { promotionId } = freshIds();
    const customers = Array.from({ length: 60 }, (_, index) => String(7_000_000 + index));
    const posts = customers.map((customerId) => sandbox.inject(callOf('deactivatePromotionForCustomer', { promotionId, customerId })));
    const put = sandbox.inject(callOf('deactivatePromotionGlobally', { promotionId }));
    const again = customers.slice(0, 10).map((customerId) => sandbox.inject(callOf('deactivatePromotionForCustomer', { promotionId, customerId })));
    const [postAnswers, putAnswer, againAnswers] = await Promise.all([Promise.all(posts), put, Promise.all(again)]);
    expect(putAnswer.statusCode).toBe(200);
    // Every call is 200 or 404: 404 for a fresh customer only after the promotion went INACTIVE.
    expect([...postAnswers, ...againAnswers].every((answer) => answer.statusCode === 200 || answer.statusCode === 404)).toBe(true);
    const state = (await sandbox.inject({ url: '/__sandbox/state' })).json<{ data: { changes: { inactivePromotions: string[]; inactiveParticipations: { customerId: string }[] } } }>();
    expect(state.data.changes.inactivePromotions).toContain(promotionId);
    const deactivated = new Set(state.data.changes.inactiveParticipations.map((entry) => entry.customerId));
    customers.forEach((customerId, index) => {
      // A 200 is remembered; no customer was deactivated twice.
      if (postAnswers[index]?.statusCode === 200) expect(deactivated.has(customerId)).toBe(true);
    });
    const secondSuccesses = againAnswers.filter((answer, index) => answer.statusCode === 200 && postAnswers[index]?.statusCode === 200);
    expect(secondSuccesses).toEqual([]);
  });
});
