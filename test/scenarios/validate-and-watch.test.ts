import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { DEFAULT_SCENARIOS_DIRECTORY } from '../../src/scenarios/load-scenarios.js';
import { runCli } from '../helpers/cli-process.js';
import { theContract } from '../helpers/sandbox.js';
import { eventually } from '../helpers/eventually.js';

const copyOfShipped = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'scenarios-'));
  cpSync(DEFAULT_SCENARIOS_DIRECTORY, folder, { recursive: true });
  return folder;
};

const EXTRA = `# yaml-language-server: $schema=./scenario.schema.json
name: extra-error
description: A scenario added while the sandbox runs.
operations: [deactivatePromotionGlobally]
code: 500
forced: {}
`;

describe('promotions-sandbox validate [dir]', () => {
  it('passes the shipped scenarios', async () => {
    const shippedFiles = readdirSync(DEFAULT_SCENARIOS_DIRECTORY).filter((name) => name.endsWith('.yaml')).length;
    const { code, stdout } = await runCli(['validate']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${shippedFiles} scenarios in .*scenarios/?: all valid\\.$`, 'm'));
  });

  it('fails a broken folder with its problems, one per line, with file and place', async () => {
    const folder = copyOfShipped();
    writeFileSync(join(folder, 'extra-error.yaml'), EXTRA.replace('code: 500', 'code: 737'));
    writeFileSync(join(folder, 'typo.yaml'), EXTRA.replace('name: extra-error', 'name: typo').replace('forced: {}', 'forcd: {}'));
    const { code, stderr } = await runCli(['validate', folder]);
    expect(code).toBe(1);
    // Files are read and schema-checked first; the checks across files run once every file reads.
    expect(stderr.trim().split('\n')).toEqual([`${folder}/typo.yaml:6:8 /forcd: unknown property "forcd"`]);
  });

  it("fails a file whose name is not its scenario's with the line and column of the name, and every other problem too", async () => {
    const folder = copyOfShipped();
    const misnamed = `${EXTRA.replace('name: extra-error', 'name: vip-cart').replace('operations: [deactivatePromotionGlobally]', 'operations: [deactivatePromotionForCustomer]').replace('code: 500\nforced: {}', 'code: 737')}magic: { customerId: 4242 }\n`;
    writeFileSync(join(folder, 'vip.yaml'), misnamed);
    const { code, stderr } = await runCli(['validate', folder]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `${folder}/vip.yaml:2:7 /name: the scenario is named "vip-cart"; name the file vip-cart.yaml`,
      `${folder}/vip.yaml:6:8 /magic: on deactivatePromotionForCustomer, the world answers the magic values with 200, not 737 (promotion 68fb1e6831d91c625a8d9ef4 is defined in ${folder}/deactivated-for-customer.yaml): set up the world so that they get 737, or force the answer`,
    ]);
  });
});

describe('a misnamed file its schema also refuses', () => {
  it('gets the name mismatch, with its line and column, beside the schema problems', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'misnamed-'));
    writeFileSync(join(folder, 'mis.yaml'), 'name: other\n');
    writeFileSync(join(folder, 'vip.yaml'), `${EXTRA.replace('name: extra-error', 'name: vip-cart')}colour: red\n`);
    const { code, stderr } = await runCli(['validate', folder]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `${folder}/mis.yaml:1:7 /name: the scenario is named "other"; name the file other.yaml`,
      `${folder}/mis.yaml:1:1: the document must have required property 'description'`,
      `${folder}/vip.yaml:2:7 /name: the scenario is named "vip-cart"; name the file vip-cart.yaml`,
      `${folder}/vip.yaml:7:9 /colour: unknown property "colour"`,
    ]);
  });

  it('a name that is no string is a schema problem only', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'misnamed-'));
    writeFileSync(join(folder, 'mis.yaml'), EXTRA.replace('name: extra-error', 'name: 42'));
    const { code, stderr } = await runCli(['validate', folder]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([`${folder}/mis.yaml:2:7 /name: must be string`]);
  });
});

describe('validate with a [bool] flag before the folder', () => {
  const ownFolder = (): string => {
    const folder = mkdtempSync(join(tmpdir(), 'own-'));
    writeFileSync(join(folder, 'extra-error.yaml'), EXTRA);
    return folder;
  };

  it.each([['--only-own-scenarios'], ['--watch'], ['--validate-responses']])('validate %s my-scenarios: the flag stands alone, the folder is the folder', async (flag) => {
    const folder = ownFolder();
    const { code, stdout, stderr } = await runCli(['validate', flag, folder]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(flag === '--only-own-scenarios' ? new RegExp(`^1 scenario in ${folder}: all valid\\.$`, 'm') : new RegExp(`^\\d+ scenarios, 1 of ${folder} and \\d+ shipped: all valid\\.$`, 'm'));
  });

  it('validate --only-own-scenarios false (or true) my-scenarios still reads the value given', async () => {
    const folder = ownFolder();
    const union = await runCli(['validate', '--only-own-scenarios', 'false', folder]);
    expect(union.code).toBe(0);
    expect(union.stdout).toMatch(new RegExp(`^\\d+ scenarios, 1 of ${folder} and \\d+ shipped: all valid\\.$`, 'm'));
    const alone = await runCli(['validate', '--only-own-scenarios', 'true', folder]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(new RegExp(`^1 scenario in ${folder}: all valid\\.$`, 'm'));
  });
});

describe('--watch', () => {
  it('reloads on change, and keeps serving the last good set when an edit is broken', async () => {
    // A folder of one's own, with one file to start with; the shipped scenarios are served beside it.
    const folder = mkdtempSync(join(tmpdir(), 'watched-'));
    writeFileSync(join(folder, 'first-error.yaml'), EXTRA.replace('name: extra-error', 'name: first-error'));
    const lines: string[] = [];
    const app = await buildApp(configWith({ logLevel: 'info', scenarios: folder, watch: true }), {
      contract: await theContract(),
      logStream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
    });
    const names = async () =>
      (await app.inject({ url: '/__sandbox/scenarios', headers: { authorization: 'Basic d2F0Y2g6eA==' } })).json<{ data: { name: string }[] }>().data.map((s) => s.name);
    expect(await names()).not.toContain('extra-error');

    writeFileSync(join(folder, 'extra-error.yaml'), EXTRA);
    await eventually(async () => ((await names()).includes('extra-error') ? true : undefined), 'the new scenario');
    // The reload reads the union again: the shipped scenarios stay beside the folder's two.
    expect(await names()).toEqual(expect.arrayContaining(['first-error', 'open-cart']));
    expect(await names()).toHaveLength(readdirSync(DEFAULT_SCENARIOS_DIRECTORY).filter((name) => name.endsWith('.yaml')).length + 2);
    const forced = await app.inject({
      method: 'PUT',
      url: '/api_gateway/v1/promotions/0000000000000000000000ab/deactivate',
      headers: { authorization: 'Basic d2F0Y2g6eA==', 'x-sandbox-scenario': 'extra-error' },
    });
    expect(forced.statusCode).toBe(500);

    writeFileSync(join(folder, 'extra-error.yaml'), `${EXTRA}code: [oops\n`);
    const logged = await eventually(
      () => Promise.resolve(lines.map((line) => JSON.parse(line) as { msg: string; problems?: string[] }).find((line) => line.msg.startsWith('scenario files are broken'))),
      'the broken edit to be logged',
    );
    expect(logged.problems?.[0]).toMatch(/extra-error\.yaml:\d+:\d+: not valid YAML/);
    expect(await names()).toContain('extra-error');
    await app.close();
  });
});
