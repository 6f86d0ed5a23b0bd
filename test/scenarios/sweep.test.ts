import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { scenarioTable } from '../../src/scenarios/scenario-table.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { vendorOperations } from '../helpers/documented-answers.js';

const contract = await theContract();
const shipped = await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, compileContractChecks(contract), 'active');
const answered = shipped.scenarios.filter((scenario) => scenario.code !== undefined);
const cases = answered.flatMap((scenario) => scenario.operations.map((operationId) => ({ name: scenario.name, operationId, scenario })));

let session = 0;
const newSession = () => `sweep-${(session += 1)}`;

describe('every shipped scenario, reached three ways, answers its code and keeps the contract', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it.each(cases)('$name on $operationId', async ({ scenario, operationId }) => {
    const expected = scenario.code;
    // 1. by header, on a call that would otherwise succeed
    const byHeader = sandbox.inject(callOf(operationId, freshIds(), { 'x-sandbox-scenario': scenario.name, 'x-sandbox-session': newSession() }));
    // 2. by pin, for one call
    const pinSession = newSession();
    const pinned = (async () => {
      const pin = await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: { 'x-sandbox-session': pinSession }, payload: { name: scenario.name, count: 1 } });
      expect(pin.statusCode).toBe(200);
      return sandbox.inject(callOf(operationId, freshIds(), { 'x-sandbox-session': pinSession }));
    })();
    // 3. by magic values, no header at all (when this operation has every magic parameter)
    const parameters = contract.operations.find((operation) => operation.operationId === operationId)?.parameters.map((parameter) => parameter.name) ?? [];
    const magicApplies = Object.keys(scenario.magic).every((name) => parameters.includes(name));
    const byMagic = magicApplies
      ? sandbox.inject(callOf(operationId, { ...freshIds(), ...scenario.magic }, { 'x-sandbox-session': newSession() }))
      : undefined;

    for (const [way, answer] of [['header', byHeader], ['pin', pinned], ['magic', byMagic]] as const) {
      if (!answer) continue;
      const response = await answer;
      expect(codeOf(response), `${scenario.name} by ${way}`).toBe(expected);
      expect(response.headers['x-sandbox-scenario'], `${scenario.name} by ${way} names itself`).toBe(scenario.name);
    }
  });

  it('every documented (operation, code) pair of the vendor\'s calls has a shipped scenario', () => {
    for (const operation of vendorOperations(contract)) {
      const successes = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status)).map(Number);
      const documented = [...successes, ...operation.errors.filter((entry) => entry.keySource === 'vendor').map((entry) => entry.code)];
      const covered = new Set(shipped.forOperation(operation.operationId).map((scenario) => scenario.code));
      expect(documented.filter((code) => !covered.has(code)), operation.operationId).toEqual([]);
    }
  });

  it('the scenario table says which operations a magic value reaches, when not all of the scenario\'s', () => {
    const table = scenarioTable(shipped, contract.operations).split('\n');
    for (const scenario of shipped.scenarios.filter((candidate) => Object.keys(candidate.magic).length > 0)) {
      const row = table.find((line) => line.startsWith(`| \`${scenario.name}\` |`)) ?? '';
      const reached = scenario.operations.filter((operationId) => {
        const parameters = contract.operations.find((operation) => operation.operationId === operationId)?.parameters.map((parameter) => parameter.name) ?? [];
        return Object.keys(scenario.magic).every((name) => parameters.includes(name));
      });
      if (reached.length === scenario.operations.length) expect(row, scenario.name).not.toMatch(/ only\) \|/);
      else expect(row, scenario.name).toContain(`(on ${reached.map((operationId) => `\`${operationId}\``).join(', ')} only)`);
    }
  });

  it('the scenario table shows how long each lock and job lasts, and when a promotion ends, from the files', () => {
    const table = scenarioTable(shipped, contract.operations).split('\n');
    const row = (name: string) => table.find((line) => line.startsWith(`| \`${name}\` |`)) ?? '';
    const seconds = (lasting: unknown) => (lasting as { seconds?: number } | undefined)?.seconds;
    const cart = shipped.byName('open-cart')?.world.customers[0]?.pendingCart?.lock;
    const job = shipped.byName('expiry-job-running')?.world.promotions[0]?.expiryJob;
    expect([seconds(cart), seconds(job)]).toEqual([300, 900]);
    expect(row('open-cart')).toContain(`| cart locked ${String(seconds(cart))} s |`);
    expect(row('expiry-job-running')).toContain(`| expiry job runs ${String(seconds(job))} s |`);
    expect(row('deactivated-for-customer')).toContain('| valid till 2099-12-31 (its whole day, UTC) |');
    expect(table[0]).toContain("| Times (the tenant's clock) |");
  });

  it('invalid-input on the global call, without a header: a malformed JSON body, as its description says', async () => {
    const response = await sandbox.inject({ ...callOf('deactivatePromotionGlobally', freshIds()), headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(codeOf(response)).toBe(shipped.byName('invalid-input')?.code);
  });

  it('one shipped scenario adds latency to a success', () => {
    expect(shipped.scenarios.some((scenario) => scenario.code === 200 && (scenario.forced?.latencyMs ?? 0) > 0)).toBe(true);
  });
});

describe('a dropped connection, over a real socket', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('closes the connection without an answer, by header and by magic value, and journals it', async () => {
    const origin = await sandbox.app.listen({ host: '127.0.0.1', port: 0 });
    const headers = { authorization: 'Basic ZHJvcDp0ZXN0', 'x-sandbox-session': 'drop' };
    const byHeader = fetch(`${origin}/api_gateway/v1/promotions/${freshIds().promotionId}/deactivate`, { method: 'PUT', headers: { ...headers, 'x-sandbox-scenario': 'connection-dropped' } });
    await expect(byHeader).rejects.toThrow();
    const byMagic = fetch(`${origin}/api_gateway/v1/promotions/00000000000000000000d20b/deactivate?customerId=5`, { method: 'POST', headers });
    await expect(byMagic).rejects.toThrow();
    const journal = await fetch(`${origin}/__sandbox/requests`, { headers });
    const entries = ((await journal.json()) as { data: { requests: { status: number; scenario: string }[] } }).data.requests;
    expect(entries.slice(0, 2).map(({ status, scenario }) => ({ status, scenario }))).toEqual([
      { status: 0, scenario: 'connection-dropped' },
      { status: 0, scenario: 'connection-dropped' },
    ]);
    await sandbox.app.close();
  });
});
