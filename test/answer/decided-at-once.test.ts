import { beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, buildAppDeps } from '../../src/app-deps.js';
import { configWith } from '../../src/config.js';
import type { Outcome, ValidCall } from '../../src/answer/outcome.js';

// In memory a call is decided at once, with no promise made: what the one pass of a call relies
// on for its speed (docs/performance.md#a-call-in-memory-makes-no-promise). Every way a valid
// call is decided, each answered as a value that is the same answer the HTTP tests expect.
const PROMOTION = '68fb1e6831d91c625a8d9ef4';

describe('decided in memory: an outcome at once, never a promise', () => {
  let deps: AppDeps;
  let customer = 0;
  beforeAll(async () => {
    deps = await buildAppDeps(configWith({ logLevel: 'silent' }));
  });

  /** A valid per-customer call, as the contract's validator makes it (a new customer unless one is given). */
  function call(tenant: string, headers: Record<string, string> = {}, customerId?: string): ValidCall {
    const operation = deps.contract.operations.find((candidate) => candidate.operationId === 'deactivatePromotionForCustomer');
    if (!operation) throw new Error('the contract has no deactivatePromotionForCustomer');
    customer += 1;
    const validation = deps.checks.requests.get(operation.operationId)!({ params: { promotionId: PROMOTION }, query: { customerId: customerId ?? String(customer) }, headers, body: undefined });
    if (!validation.valid) throw new Error(`not valid: ${JSON.stringify(validation.diagnostics)}`);
    return { operation, values: validation.values, texts: validation.texts, body: validation.body, tenant, headers };
  }

  function atOnce(decided: Outcome | Promise<Outcome>): Outcome {
    expect(decided).not.toBeInstanceOf(Promise);
    return decided as Outcome;
  }

  it("the world: a success, then the same customer's promotion not found (deactivated for them)", () => {
    const first = call('world');
    expect(atOnce(deps.decide(first))).toMatchObject({ kind: 'answer', statusCode: 200 });
    expect(atOnce(deps.decide({ ...first }))).toMatchObject({ kind: 'error', error: { key: 'GLOBAL.PROMOTION_NOT_FOUND' } });
  });

  it('a scenario asked for, and an unknown one', () => {
    expect(atOnce(deps.decide(call('asked', { 'x-sandbox-scenario': 'open-cart' })))).toMatchObject({ kind: 'error', error: { code: 737 }, scenario: 'open-cart' });
    expect(atOnce(deps.decide(call('asked', { 'x-sandbox-scenario': 'no-such-scenario' })))).toMatchObject({ kind: 'error', error: { key: 'SANDBOX.UNKNOWN_SCENARIO' } });
  });

  it("a magic value: the scenario's world answers (an open cart), named", () => {
    expect(atOnce(deps.decide(call('magic', {}, '737000737')))).toMatchObject({ kind: 'error', error: { code: 737 }, scenario: 'open-cart' });
  });

  it('a delayed answer and a dropped connection: decided at once, delivered later', () => {
    expect(atOnce(deps.decide(call('slow', { 'x-sandbox-scenario': 'slow-success' })))).toMatchObject({ kind: 'answer', statusCode: 200, delayMs: 1500 });
    expect(atOnce(deps.decide(call('dropped', { 'x-sandbox-scenario': 'connection-dropped' })))).toMatchObject({ kind: 'drop', scenario: 'connection-dropped' });
  });

  it('a pin of two calls, then the world', async () => {
    await deps.store.setPin('pinned', { scenario: 'open-cart', remaining: 2 });
    const codes = [1, 2, 3].map(() => {
      const outcome = atOnce(deps.decide(call('pinned')));
      return outcome.kind === 'error' ? outcome.error.code : outcome.kind === 'answer' ? outcome.statusCode : 'drop';
    });
    expect(codes).toEqual([737, 737, 200]);
  });

  it("a sequence's next code, and the error rate's", async () => {
    const flaky = [1, 2, 3].map(() => atOnce(deps.decide(call('flaky', { 'x-sandbox-scenario': 'flaky-then-success' }))).kind);
    expect(flaky).toEqual(['error', 'error', 'answer']);
    await deps.store.setErrorRate('sprinkled', { rate: 1, seed: 7 });
    expect(atOnce(deps.decide(call('sprinkled')))).toMatchObject({ kind: 'error' });
  });
});
