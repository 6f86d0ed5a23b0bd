import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { ScenarioError, formatProblem } from '../../src/scenarios/scenario.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { theContract } from '../helpers/sandbox.js';

const HEADER = '# yaml-language-server: $schema=./scenario.schema.json\n';

/** The shipped scenarios plus one extra file; returns every problem loading them reports. */
async function problemsWith(fileName: string, text: string): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'scenarios-'));
  cpSync(DEFAULT_SCENARIOS_DIRECTORY, folder, { recursive: true });
  writeFileSync(join(folder, fileName), text);
  const contract = await theContract();
  const error = await loadScenarios(folder, contract, compileContractChecks(contract), 'active').then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as ScenarioError).problems.map((problem) => formatProblem({ ...problem, file: problem.file.replace(`${folder}/`, '') }));
}

const scenario = (body: string) => `${HEADER}${body.trim()}\n`;

describe('a broken scenario file stops the load, naming the file, the place and the problem', () => {
  it.each([
    ['YAML that does not parse', 'broken.yaml', `${HEADER}name: broken\ndescription: [unclosed\n`, /^broken\.yaml:\d+:\d+: not valid YAML: Flow sequence/],
    ['a key given twice', 'twice.yaml', scenario('name: twice\nname: again\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200'), /^twice\.yaml:3:1: not valid YAML: Map keys must be unique/],
    ['an unknown property', 'extra.yaml', scenario('name: extra\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: { retries: 3 }'), /^extra\.yaml:6:20 \/forced\/retries: unknown property "retries"$/],
    ['a code that is not a number', 'typed.yaml', scenario('name: typed\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: five-hundred'), /^typed\.yaml:5:7 \/code: must be integer$/],
    ['a missing description', 'bare.yaml', scenario('name: bare\noperations: [deactivatePromotionGlobally]\ncode: 200'), /^bare\.yaml:2:1: the document must have required property 'description'$/],
    ['a world entity with a bad id', 'bad-id.yaml', scenario("name: bad-id\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 811\nworld:\n  promotions:\n    - id: '12345'\n      expiryJobRunning: true"), /^bad-id\.yaml:8:11 \/world\/promotions\/0\/id: must match pattern/],
    ['a file named after another scenario', 'misnamed.yaml', scenario('name: something-else\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200'), /^misnamed\.yaml:2:7 \/name: the scenario is named "something-else"; name the file something-else\.yaml$/],
  ])('%s', async (_name, file, text, expected) => {
    const problems = await problemsWith(file, text);
    expect(problems.some((problem) => expected.test(problem)), problems.join('\n')).toBe(true);
  });

  it.each([
    ['two files with one name', 'open-cart.yml', scenario('name: open-cart\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 737'), /open-cart\.yml:2:7 \/name: the name open-cart is taken by .*open-cart\.yaml/],
    ['an operation the contract does not have', 'ghost.yaml', scenario('name: ghost\ndescription: x\noperations: [deletePromotion]\ncode: 200'), /ghost\.yaml:4:\d+ \/operations\/0: no operation deletePromotion in the contract \(it has .*deactivatePromotionForCustomer/],
    ['a code the operation does not document', 'wrong-code.yaml', scenario('name: wrong-code\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 811\nforced: {}'), /wrong-code\.yaml:5:7 \/code: code 811 is not documented for deactivatePromotionForCustomer \(documented: 200, 400, /],
    ['no code and no dropped connection', 'silent.yaml', scenario('name: silent\ndescription: x\noperations: [deactivatePromotionGlobally]\nforced: { latencyMs: 10 }'), /silent\.yaml:2:1: code is required unless forced\.dropConnection is true/],
    ['a sequence that does not start with the code', 'seq.yaml', scenario('name: seq\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: { sequence: [200, 500] }'), /seq\.yaml:6:22 \/forced\/sequence\/0: a sequence starts with the scenario's code \(500\)/],
    ['a sequence with an undocumented code', 'seq2.yaml', scenario('name: seq2\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: { sequence: [500, 737] }'), /seq2\.yaml:6:27 \/forced\/sequence\/1: code 737 is not documented for deactivatePromotionGlobally/],
    ['magic values another scenario has', 'cart-again.yaml', scenario('name: cart-again\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 500\nforced: {}\nmagic: { customerId: 737000737 }'), /open-cart\.yaml:\d+:\d+ \/magic: these magic values also select cart-again/],
    ['magic values the contract refuses', 'bad-magic.yaml', scenario('name: bad-magic\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 500\nforced: {}\nmagic: { customerId: abc }'), /bad-magic\.yaml:7:8 \/magic: on deactivatePromotionForCustomer, the magic values are refused by the contract: Query parameter customerId must be an integer/],
    ['magic values of a parameter no operation has', 'no-param.yaml', scenario('name: no-param\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 500\nforced: {}\nmagic: { customerId: 5 }'), /no-param\.yaml:7:8 \/magic: no operation of this scenario has all of the parameters customerId/],
    ['magic values the world answers differently', 'not-a-cart.yaml', scenario('name: not-a-cart\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 737\nmagic: { customerId: 4242 }'), /not-a-cart\.yaml:6:8 \/magic: on deactivatePromotionForCustomer, the world answers the magic values with 200, not 737/],
    ['an earn of a promotion no world defines', 'orphan.yaml', scenario("name: orphan\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\nworld:\n  earns:\n    - { id: '0000000000000000000000aa', customerId: 1, promotionId: '0000000000000000000000bb', earnedFromType: ACTIVITY }"), /orphan\.yaml:8:\d+ \/world\/earns\/0\/promotionId: earn 0000000000000000000000aa names promotion 0000000000000000000000bb, which no scenario's world defines/],
    ['a promotion defined differently in two files', 'clash.yaml', scenario("name: clash\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 200\nworld:\n  promotions:\n    - { id: '000000000000000000000707', type: CODE }"), /pos-promotion-unsupported\.yaml:\d+:\d+ \/world\/promotions\/0: promotions 000000000000000000000707 is defined differently in .*clash\.yaml/],
  ])('%s', async (_name, file, text, expected) => {
    const problems = await problemsWith(file, text);
    expect(problems.some((problem) => expected.test(problem)), problems.join('\n')).toBe(true);
  });

  const cartFile = (name: string, cart: string) =>
    scenario(`name: ${name}\ndescription: x\noperations: [deactivatePromotionForCustomer]\ncode: 737\nworld:\n  customers:\n    - id: 4242\n      pendingCart: ${cart}\nmagic: { customerId: 4242 }`);
  const jobFile = (name: string, job: string) =>
    scenario(`name: ${name}\ndescription: x\noperations: [deactivatePromotionGlobally]\ncode: 811\nworld:\n  promotions:\n    - { id: '0000000000000000000004aa', ${job} }\nmagic: { promotionId: '0000000000000000000004aa' }`);
  it.each([
    ['a lock of both a length and an end', 'both.yaml', cartFile('both', "{ evaluationId: e1, lockSeconds: 60, lockedUntil: '2099-01-01T00:00:00Z' }"), /^both\.yaml:9:\d+ \/world\/customers\/0\/pendingCart\/lockedUntil: give lockSeconds .* or lockedUntil .*, not both$/],
    ['a lock of no seconds', 'zero.yaml', cartFile('zero', '{ evaluationId: e1, lockSeconds: 0 }'), /^zero\.yaml:9:\d+ \/world\/customers\/0\/pendingCart\/lockSeconds: must be >= 1$/],
    ['a lock of a word other than until-reset', 'word.yaml', cartFile('word', '{ evaluationId: e1, lockSeconds: forever }'), /^word\.yaml:9:\d+ \/world\/customers\/0\/pendingCart\/lockSeconds: must be equal to constant$/],
    ['a lock until a time without its offset', 'local.yaml', cartFile('local', "{ evaluationId: e1, lockedUntil: '2099-01-01T00:00:00' }"), /^local\.yaml:9:\d+ \/world\/customers\/0\/pendingCart\/lockedUntil: must match format "date-time"$/],
    ['a lock that ended before any tenant started', 'over.yaml', cartFile('over', "{ evaluationId: e1, lockedUntil: '2020-01-01T00:00:00Z' }"), /^over\.yaml:\d+:\d+ \/magic: on deactivatePromotionForCustomer, the world answers the magic values with 200, not 737/],
    ['a job length without a running job', 'idle-job.yaml', jobFile('idle-job', 'expiryJobSeconds: 60'), /^idle-job\.yaml:\d+:\d+ \/world\/promotions\/0\/expiryJobSeconds: expiryJobSeconds is the length of a running expiry-date job: set expiryJobRunning: true too$/],
    ['a job of both a length and an end', 'job-both.yaml', jobFile('job-both', "expiryJobRunning: true, expiryJobSeconds: 60, expiryJobUntil: '2099-01-01T00:00:00Z'"), /^job-both\.yaml:\d+:\d+ \/world\/promotions\/0\/expiryJobUntil: give expiryJobSeconds .* not both$/],
    ['a validTill that is neither a date nor a date-time', 'till.yaml', jobFile('till', "expiryJobRunning: true, validTill: '31/12/2099'"), /^till\.yaml:\d+:\d+ \/world\/promotions\/0\/validTill: must match format "date"$/],
  ])('%s', async (_name, file, text, expected) => {
    const problems = await problemsWith(file, text);
    expect(problems.some((problem) => expected.test(problem)), problems.join('\n')).toBe(true);
  });

  it('an empty or missing folder', async () => {
    const contract = await theContract();
    const checks = compileContractChecks(contract);
    const empty = mkdtempSync(join(tmpdir(), 'scenarios-'));
    await expect(loadScenarios(empty, contract, checks, 'active')).rejects.toThrow(/no scenario files/);
    await expect(loadScenarios(join(empty, 'nope'), contract, checks, 'active')).rejects.toThrow(/cannot read the folder \(ENOENT\)/);
  });

  it('the shipped files all start with the yaml-language-server $schema line', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    for (const name of readdirSync(DEFAULT_SCENARIOS_DIRECTORY).filter((file) => file.endsWith('.yaml'))) {
      expect(readFileSync(join(DEFAULT_SCENARIOS_DIRECTORY, name), 'utf8').split('\n')[0], name).toBe(HEADER.trim());
    }
  });
});
