import { describe, expect, it } from 'vitest';
import { theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { documentedAnswerLabels, vendorOperations } from '../helpers/documented-answers.js';
import { VENDOR_PAGES, documentedErrors, readPage } from '../helpers/vendor-pages.js';

interface Coverage {
  covered: number;
  total: number;
  answers: { operationId: string; code: number; httpStatus: number; key: string | null; count: number }[];
}

describe('coverage of documented answers, per tenant', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  const as = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:c`).toString('base64')}` });
  const coverage = async (headers: Record<string, string>) =>
    (await sandbox.app.inject({ url: '/__sandbox/coverage', headers })).json<{ data: Coverage }>().data;

  it('lists every documented (operation, code) pair of the vendor\'s calls, successes included, none counted yet', async () => {
    const contract = await theContract();
    const report = await coverage(as('fresh'));
    const pairs = report.answers.map(({ operationId, code }) => `${operationId} ${code}`).sort();
    expect(pairs).toEqual(documentedAnswerLabels(contract).sort());
    expect(report).toMatchObject({ covered: 0, total: pairs.length });
    // The vendor's pages are where the codes come from: every code a page lists is counted.
    for (const { file, operationId } of VENDOR_PAGES) {
      for (const { code } of documentedErrors(readPage(file))) expect(pairs, file).toContain(`${operationId} ${code}`);
    }
    // Answers only the sandbox gives (413, 415, 422, 503) are none of the client's business.
    for (const operation of vendorOperations(contract)) {
      for (const entry of operation.errors.filter((candidate) => candidate.sandboxOnly)) expect(pairs).not.toContain(`${operation.operationId} ${entry.code}`);
    }
    expect(report.answers.find((answer) => answer.code === 737)).toMatchObject({ httpStatus: 400, key: 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART' });
  });

  it('counts what the tenant\'s client received; reset keeps it, DELETE clears it; other tenants see their own', async () => {
    const headers = as('counted');
    await sandbox.app.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers));
    await sandbox.app.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers));
    await sandbox.app.inject(callOf('deactivatePromotionForCustomer', freshIds(), { ...headers, 'x-sandbox-scenario': 'open-cart' }));
    await sandbox.app.inject(callOf('deactivatePromotionGlobally', freshIds(), { ...headers, 'x-sandbox-scenario': 'authentication-failed' }));
    await sandbox.app.inject({ method: 'PUT', url: '/api_gateway/v1/promotions/bad/deactivate', headers });
    await sandbox.app.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    const report = await coverage(headers);
    const count = (operationId: string, code: number) => report.answers.find((answer) => answer.operationId === operationId && answer.code === code)?.count;
    expect(count('deactivatePromotionForCustomer', 200)).toBe(2);
    expect(count('deactivatePromotionForCustomer', 737)).toBe(1);
    expect(count('deactivatePromotionGlobally', 401)).toBe(1);
    expect(count('deactivatePromotionGlobally', 725)).toBe(1);
    expect(report.covered).toBe(4);
    expect((await coverage(as('someone-else'))).covered).toBe(0);
    await sandbox.app.inject({ method: 'DELETE', url: '/__sandbox/coverage', headers });
    expect((await coverage(headers)).covered).toBe(0);
  });

  it('counts refusals for the session that sent them', async () => {
    const headers = { ...as('sessions'), 'x-sandbox-session': 'job-7' };
    await sandbox.app.inject({ method: 'PUT', url: '/api_gateway/v1/promotions/bad/deactivate', headers });
    await sandbox.app.inject({ method: 'POST', url: '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=x', headers });
    expect((await coverage(headers)).covered).toBe(2);
    expect((await coverage(as('sessions'))).covered).toBe(0);
  });
});
