import { describe, expect, it } from 'vitest';
import { theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';

const ALICE = { authorization: 'Basic YWxpY2U6aXNvbGF0aW9u' };
const BOB = { authorization: 'Basic Ym9iOmlzb2xhdGlvbg==' };

describe('no call of one tenant can read or change another\'s state', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('Bob calls every API and admin operation of the contract; Alice\'s world, pin and journal are untouched and unseen', async () => {
    const contract = await theContract();
    const alicePromotion = freshIds();
    await sandbox.app.inject(callOf('deactivatePromotionGlobally', alicePromotion, ALICE));
    await sandbox.app.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: ALICE, payload: { name: 'open-cart' } });
    const snapshot = async () => ({
      state: (await sandbox.app.inject({ url: '/__sandbox/state', headers: ALICE })).body,
      pin: (await sandbox.app.inject({ url: '/__sandbox/scenario', headers: ALICE })).body,
      journal: (await sandbox.app.inject({ url: '/__sandbox/requests', headers: ALICE })).json<{ data: { requests: { requestId: string }[] } }>().data.requests.map((entry) => entry.requestId),
    });
    const before = await snapshot();

    const bobCalls = contract.operations.filter((operation) => operation.security.some((requirement) => 'basicAuth' in requirement));
    expect(bobCalls.length).toBeGreaterThanOrEqual(10);
    const seenByBob: string[] = [];
    for (const operation of bobCalls) {
      const url = operation.path.replace('{promotionId}', alicePromotion.promotionId) + (operation.method === 'POST' && operation.path.includes('deactivate') ? `?customerId=${alicePromotion.customerId}` : '');
      const payload = operation.requestBody ? { name: 'unexpected-error' } : undefined;
      const response = await sandbox.app.inject({ method: operation.method, url, headers: BOB, ...(payload ? { payload } : {}) });
      expect(response.statusCode, operation.operationId).toBeLessThan(500);
      seenByBob.push(response.body);
    }
    // Bob ended with his own reset and unpin: to him the promotion Alice deactivated is active.
    expect(codeOf(await sandbox.app.inject(callOf('deactivatePromotionForCustomer', { promotionId: alicePromotion.promotionId }, BOB)))).toBe(200);
    expect(await snapshot()).toEqual(before);
    expect(seenByBob.join('\n')).not.toContain('"scenario":"open-cart"');
    expect(seenByBob.join('\n')).not.toContain(before.journal[0]);
  });
});
