import { describe, expect, it } from 'vitest';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { loadContract } from '../../src/contract/load-contract.js';
import type { Operation } from '../../src/contract/operations.js';
import type { RawRequest } from '../../src/contract/request-validator.js';
import { planChecks } from '../../src/client/plan-checks.js';
import { writesFromFlags } from '../../src/client/write-flags.js';
import { theContract } from '../helpers/sandbox.js';
import { PROMOTION_READ_ID, contractWithPromotionRead } from '../helpers/promotion-read.js';
import { THIRD_OPERATION_EARN_EXAMPLE, THIRD_OPERATION_ID, THIRD_OPERATION_REASON_EXAMPLE, contractWithThirdOperation } from '../helpers/third-operation.js';

/** The operation's path template as a pattern: any one segment where a parameter goes. */
const templatePattern = (operation: Operation): RegExp =>
  new RegExp(`^${operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/?]+')}(\\?|$)`);

describe("verify's plan", () => {
  it('asks each operation at its own method and path template, a third operation of the contract included', async () => {
    const contract = await loadContract(contractWithThirdOperation());
    const checks = compileContractChecks(contract);
    for (const sandbox of [true, false]) {
      for (const check of planChecks(contract, checks, { sandbox })) {
        const operation = contract.operations.find((candidate) => candidate.operationId === check.answer.operationId);
        if (!operation || !check.request) continue;
        expect(check.request.method, `${operation.operationId} ${check.answer.code}`).toBe(operation.method);
        expect(check.request.path, `${operation.operationId} ${check.answer.code}`).toMatch(templatePattern(operation));
      }
    }
    const third = planChecks(contract, checks, { sandbox: true }).filter((check) => check.answer.operationId === THIRD_OPERATION_ID);
    expect(third.map((check) => check.answer.code).sort()).toEqual([200, 400, 401, 404]);
    for (const check of third) {
      // Its own path parameters (the promotion fresh, the earn its example), its required query parameter's example.
      expect(check.request?.path).toMatch(new RegExp(`^/api_gateway/v1/promotions/[0-9a-f]{24}/earns/${THIRD_OPERATION_EARN_EXAMPLE}/revoke\\?reason=${THIRD_OPERATION_REASON_EXAMPLE}$`));
    }
  });

  it('on a real API, asks for a read\'s success with the contract\'s examples without --allow-writes; a write\'s only with it', async () => {
    const contract = await loadContract(contractWithPromotionRead());
    const checks = compileContractChecks(contract);
    const successes = planChecks(contract, checks, { sandbox: false }).filter((check) => check.answer.key === null);
    const read = contract.operations.find((operation) => operation.operationId === PROMOTION_READ_ID) as Operation;
    const example: unknown = read.parameters.find((parameter) => parameter.name === 'promotionId')?.example;
    expect(successes.find((check) => check.answer.operationId === PROMOTION_READ_ID)?.request).toEqual({ method: 'GET', path: `/api_gateway/v1/promotions/${String(example)}` });
    const writes = successes.filter((check) => check.answer.operationId !== PROMOTION_READ_ID);
    expect(writes.length).toBeGreaterThan(0);
    for (const check of writes) expect(check.skipped, check.answer.operationId).toMatch(/^a success changes the world: give --allow-writes/);
  });

  it('with --allow-writes, skips a write no flag gives ids for, saying so', async () => {
    const contract = await loadContract(contractWithThirdOperation());
    const checks = compileContractChecks(contract);
    const flags = { promotionId: 'aaaaaaaaaaaaaaaaaaaaaaaa', customerId: '42', globalPromotionId: 'bbbbbbbbbbbbbbbbbbbbbbbb' };
    const third = planChecks(contract, checks, { sandbox: false, writes: writesFromFlags(flags) }).find((check) => check.answer.operationId === THIRD_OPERATION_ID && check.answer.key === null);
    expect(third).toMatchObject({ skipped: 'a success changes the world, and no --allow-writes flag gives the ids for this operation' });
    expect(third?.request).toBeUndefined();
  });

  it('on a real API, makes invalid input with a parameter the contract refuses with that very code', async () => {
    const contract = await theContract();
    const checks = compileContractChecks(contract);
    const asked = planChecks(contract, checks, { sandbox: false }).filter((check) => check.request && check.answer.httpStatus === 400);
    const byParameter = contract.catalogue.entries.filter((entry) => entry.invalidParameter !== undefined);
    expect(byParameter.length).toBeGreaterThan(0);
    for (const entry of byParameter) expect(asked.map((check) => check.answer.key), entry.key).toContain(entry.key);
    for (const check of asked) {
      const operation = contract.operations.find((candidate) => candidate.operationId === check.answer.operationId) as Operation;
      const validation = checks.requests.get(operation.operationId)?.(requestAt(operation, check.request?.path ?? ''));
      const code = validation && !validation.valid ? validation.diagnostics[0]?.error.code : undefined;
      expect(code, `${check.request?.method ?? ''} ${check.request?.path ?? ''}`).toBe(check.answer.code);
    }
  });

  it('on a real API, asks for a success only with an id for each of its required parameters', async () => {
    const contract = await theContract();
    const checks = compileContractChecks(contract);
    const successes = (writes?: Parameters<typeof writesFromFlags>[0]) =>
      planChecks(contract, checks, { sandbox: false, ...(writes ? { writes: writesFromFlags(writes) } : {}) }).filter((check) => check.answer.key === null);
    for (const check of successes()) expect(check.skipped, check.answer.operationId).toMatch(/--allow-writes and the promotionId/);
    const onlyPromotion = successes({ promotionId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(onlyPromotion.every((check) => check.request === undefined)).toBe(true);
    expect(onlyPromotion.find((check) => check.skipped?.includes('customerId'))).toBeDefined();
    const all = successes({ promotionId: 'aaaaaaaaaaaaaaaaaaaaaaaa', customerId: '42', globalPromotionId: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(all.map((check) => check.request?.path).sort()).toEqual([
      '/api_gateway/v1/promotions/aaaaaaaaaaaaaaaaaaaaaaaa/deactivate?customerId=42',
      '/api_gateway/v1/promotions/bbbbbbbbbbbbbbbbbbbbbbbb/deactivate',
    ]);
  });
});

/** The request the HTTP layer reads from a URL made from the operation's path template. */
function requestAt(operation: Operation, url: string): RawRequest {
  const { pathname, searchParams } = new URL(url, 'http://verify.test');
  const segments = pathname.split('/');
  const params = Object.fromEntries(
    operation.path.split('/').flatMap((part, index) => {
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      return name === undefined ? [] : [[name, decodeURIComponent(segments[index] ?? '')]];
    }),
  );
  return { params, query: Object.fromEntries(searchParams), headers: {}, body: undefined };
}
