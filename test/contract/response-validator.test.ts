import { describe, expect, it } from 'vitest';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { theContract } from '../helpers/sandbox.js';

const contract = await theContract();
const checks = compileContractChecks(contract);
const json = { 'content-type': 'application/json; charset=utf-8', 'x-cap-requestid': 'r-1' };
const envelope = (code: number, message = 'x') => JSON.stringify({ data: null, errors: [{ code, message }] });

describe('the response check', () => {
  it('takes X-Sandbox-Scenario where the response declares it, and refuses it where it does not', () => {
    const deactivated = { statusCode: 200, headers: { ...json, 'x-sandbox-scenario': 'deactivated-globally' }, body: JSON.stringify({ data: true, errors: [] }) };
    expect(checks.responses.get('deactivatePromotionGlobally')?.(deactivated)).toEqual([]);
    const state = checks.responses.get('getTenantState')?.({ ...deactivated, headers: { ...json, 'x-sandbox-scenario': 'open-cart' } });
    expect(state).toContain('getTenantState 200: header x-sandbox-scenario is sent but not declared for this status');
  });

  it('takes an answer no operation owns only as a catalogue entry\'s, by code and status', () => {
    expect(checks.unrouted({ statusCode: 405, headers: json, body: envelope(405) })).toEqual([]);
    expect(checks.unrouted({ statusCode: 404, headers: json, body: envelope(404) })).toEqual([]);
    expect(checks.unrouted({ statusCode: 406, headers: json, body: envelope(406) })).toEqual(['unrouted 406: error code 406 is no catalogue entry\'s for this status']);
    expect(checks.unrouted({ statusCode: 404, headers: json, body: envelope(737) })).toEqual(['unrouted 404: error code 737 is no catalogue entry\'s for this status']);
  });
});
