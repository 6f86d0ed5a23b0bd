import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load-contract.js';
import { callRequest, callUrl } from '../../src/contract/operation-call.js';
import type { Operation } from '../../src/contract/operations.js';
import { theContract } from '../helpers/sandbox.js';

const TINY = fileURLToPath(new URL('../fixtures/tiny-contract.yaml', import.meta.url));

const operationOf = (operations: readonly Operation[], operationId: string): Operation => {
  const operation = operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`no operation ${operationId}`);
  return operation;
};

describe('a call built from an operation of the contract', () => {
  it('fills the path template, and gives each required query parameter the value given, else its example', async () => {
    const perCustomer = operationOf((await theContract()).operations, 'deactivatePromotionForCustomer');
    const customerId = perCustomer.parameters.find((parameter) => parameter.name === 'customerId');
    const url = new URL(callUrl(perCustomer, { promotionId: 'a b/c' }), 'http://call.test');
    expect(url.pathname).toBe(perCustomer.path.replace('{promotionId}', encodeURIComponent('a b/c')));
    expect(url.searchParams.get('customerId')).toBe(String(customerId?.example));
    // An optional parameter (earnId) is sent only when given.
    expect([...url.searchParams.keys()]).toEqual(['customerId']);
    expect(callUrl(perCustomer, { promotionId: 'p', customerId: '42', earnId: 'null' })).toBe('/api_gateway/v1/promotions/p/deactivate?customerId=42&earnId=null');
  });

  it('says which path parameter has neither a value nor an example', async () => {
    const { operations } = await loadContract(TINY);
    const getWidget = operationOf(operations, 'getWidget');
    expect(() => callUrl(getWidget, {})).toThrow('getWidget: no value and no example for the path parameter widgetId');
    expect(callUrl(getWidget, { widgetId: '7' })).toBe('/widgets/7');
    expect(callUrl(getWidget, { widgetId: '7', verbose: 'true' })).toBe('/widgets/7?verbose=true');
  });

  it('is the request the contract check reads: path, query and headers by where each parameter goes', async () => {
    const { operations } = await loadContract(TINY);
    expect(callRequest(operationOf(operations, 'getWidget'), { widgetId: '7', verbose: 'false' })).toEqual({
      params: { widgetId: '7' },
      query: { verbose: 'false' },
      headers: {},
      body: undefined,
    });
  });
});
