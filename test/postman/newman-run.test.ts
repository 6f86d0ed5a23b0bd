import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedAnswers } from '../../src/client/documented-answers.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import type { ScenarioSet } from '../../src/scenarios/scenario-set.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import type { Contract } from '../../src/contract/load-contract.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { theContract } from '../helpers/sandbox.js';
import { vipOpenCart } from '../helpers/own-scenario.js';
import { collectionRequests, servedCollection } from '../helpers/postman-collection.js';

const VIP = vipOpenCart();

function run(collection: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    // The README's command: the collection by its URL, the credential given on the command line.
    newman.run({ collection, reporters: [], envVar: [{ key: 'authorization', value: 'Basic cGFydG5lcjpxYQ==' }], timeoutRequest: 10_000 }, (error, summary) =>
      error ? reject(error) : resolve(summary),
    );
  });
}

/** The calls the collection should make for the scenario set: what the issue asks, counted from the contract and the scenarios. */
function expectedCalls(contract: Contract, scenarios: ScenarioSet): number {
  const answers = documentedAnswers(contract);
  const chosen = answers.map((answer) => scenarios.preferred(answer.operationId, answer.code));
  const operation = (id: string) => contract.operations.find((candidate) => candidate.operationId === id)!;
  const magicVariants = answers.filter((answer, index) => {
    const magic = Object.keys(chosen[index]?.magic ?? {});
    return magic.length > 0 && magic.every((name) => operation(answer.operationId).parameters.some((parameter) => parameter.name === name));
  }).length;
  const others = [...new Set(answers.map((answer) => answer.operationId))]
    .flatMap((operationId) => scenarios.forOperation(operationId).filter((scenario) => !chosen.includes(scenario)))
    .map((scenario) => (scenario.forced?.dropConnection ? 0 : (scenario.forced?.sequence?.length ?? 1)))
    .reduce((sum, calls) => sum + calls, 0);
  return answers.length + magicVariants + others;
}

describe('the Postman collection, run by newman against the built command with a scenario folder of its own', () => {
  let sandbox: ReturnType<typeof startCli>;
  let url: string;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'postman-scenarios-'));
    writeFileSync(join(folder, 'vip-open-cart.yaml'), VIP);
    sandbox = startCli(['--scenarios', folder], { HOST: '127.0.0.1', PORT: '0' });
    url = await listeningUrl(sandbox.output);
  });
  afterAll(async () => {
    sandbox.child.kill('SIGTERM');
    await sandbox.finished;
  });

  it('passes every request, one per documented answer and magic-value form, and the other scenarios\' calls', async () => {
    const contract = await theContract();
    const scenarios = await loadScenarios(folder, contract, compileContractChecks(contract), 'active');
    const summary = await run(`${url}/postman-collection.json`);
    const failures = summary.run.failures.map((failure) => `${failure.source?.name ?? '?'}: ${failure.error.message}`);
    expect(failures).toEqual([]);
    // Items are the collection's requests; its resets (sent from pre-request scripts) are not.
    const { items, requests, assertions } = summary.run.stats;
    expect(items.total).toBe(expectedCalls(contract, scenarios));
    expect([items.failed, requests.failed, assertions.failed]).toEqual([0, 0, 0]);
    // Each request's status and code (or data) were tested, and the slow answers' time.
    expect(assertions.total).toBeGreaterThanOrEqual(2 * (items.total ?? 0));
  }, 30_000);

  it('is a v2.1 collection aimed at where it was fetched from, with the scenario of one\'s own and the catalogue\'s conditions', async () => {
    const contract = await theContract();
    const collection = await servedCollection(url);
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.variable.map(({ key }) => key)).toEqual(['baseUrl', 'authorization']);
    expect(collection.variable[0]?.value).toBe(url);
    const requests = collectionRequests(collection.item);
    expect(requests.every((request) => request.request.header.some(({ key, value }) => key === 'Authorization' && value === '{{authorization}}'))).toBe(true);
    expect(requests.filter((request) => request.request.header.some(({ key, value }) => key === 'X-Sandbox-Scenario' && value === 'vip-open-cart'))).toHaveLength(1);
    const openCart = contract.catalogue.entries.find((entry) => entry.code === 737)!;
    expect(requests.find((request) => request.name.startsWith('deactivatePromotionForCustomer 737'))?.request.description).toBe(openCart.condition);
  });
});

describe('the Postman collection with --watch', () => {
  it('follows the scenario set in force: a file added to the folder shows up in the next download', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'postman-watch-'));
    // A folder of one's own holds one scenario at least.
    writeFileSync(join(folder, 'first-open-cart.yaml'), VIP.replace('name: vip-open-cart', 'name: first-open-cart'));
    const sandbox = startCli(['--scenarios', folder, '--watch'], { HOST: '127.0.0.1', PORT: '0' });
    try {
      const url = await listeningUrl(sandbox.output);
      const forced = async () =>
        collectionRequests((await servedCollection(url)).item).flatMap((item) =>
          item.request.header.filter(({ key }) => key === 'X-Sandbox-Scenario').map(({ value }) => value),
        );
      expect(await forced()).not.toContain('vip-open-cart');
      // Its own customer: two scenarios' worlds may not set the same one.
      writeFileSync(join(folder, 'vip-open-cart.yaml'), VIP.replaceAll('555000111', '555000222'));
      const deadline = Date.now() + 10_000;
      while (!(await forced()).includes('vip-open-cart') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await forced()).toContain('vip-open-cart');
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.finished;
    }
  }, 20_000);
});
