import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { documentedAnswerLabels, vendorOperations } from '../helpers/documented-answers.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The page is reached as partner QA reaches a hosted sandbox: by a host name that is not
 * loopback, over plain HTTP (Chromium treats localhost as secure, and hid a blank page there).
 */
const HOSTED_NAME = 'partners.sandbox.test';

describeWith(`Chromium at ${CHROMIUM}`, existsSync(CHROMIUM), 'apt-get install chromium', '/docs in a real browser', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let browser: Browser;
  let origin = '';

  beforeAll(async () => {
    const { port } = new URL(await sandbox.app.listen({ host: '127.0.0.1', port: 0 }));
    origin = `http://${HOSTED_NAME}:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--host-resolver-rules=MAP ${HOSTED_NAME} 127.0.0.1`],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the vendor\'s operations and every error of the catalogue with its key', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    const text = await page.locator('body').innerText();
    const contract = await theContract();
    for (const { operationId } of vendorOperations(contract)) expect(text).toContain(operationId);
    const { catalogue, decisions } = contract;
    for (const entry of catalogue.entries) expect(text, entry.key).toContain(entry.key);
    // Every x-sandbox-decision of the contract, listed in the document's description.
    expect(text).toContain('Where the sandbox decided');
    for (const { decision } of decisions) expect(text, decision).toContain(decision.replaceAll('`', ''));
    // The scenario and magic-value table, generated from the scenario files.
    const scenarios = (await sandbox.app.inject({ url: '/__sandbox/scenarios', headers: { authorization: 'Basic ZG9jczp4' } })).json<{
      data: { name: string; magic: Record<string, string> }[];
    }>().data;
    expect(text).toContain('Scenarios and magic values');
    for (const scenario of scenarios) {
      expect(text, scenario.name).toContain(scenario.name);
      for (const value of Object.values(scenario.magic)) expect(text, `${scenario.name} magic`).toContain(value);
    }
    await page.close();
  });

  it('offers this sandbox alone as the server "Try it out" calls (the vendor\'s gateway stays in the text)', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    const servers = await page.locator('.servers select option').allInnerTexts();
    expect(servers).toEqual([expect.stringMatching(/^\/ ?/)]);
    expect(await page.locator('body').innerText()).toContain('{host}');
    await page.close();
  });

  it('lists each error code of an operation among its response examples', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/docs#/promotions/deactivatePromotionForCustomer`);
    const operation = page.locator('#operations-promotions-deactivatePromotionForCustomer');
    await operation.locator('.responses-wrapper').waitFor();
    const options = await operation.locator('tr.response[data-code="400"] select.examples-select-element option').allInnerTexts();
    const { operations } = await theContract();
    const post = operations.find((candidate) => candidate.operationId === 'deactivatePromotionForCustomer');
    const keysFor400 = post?.errors.filter((entry) => entry.httpStatus === 400).map((entry) => entry.key) ?? [];
    // One option per example of the 400 answer, each naming its key.
    expect(keysFor400.length).toBeGreaterThan(1);
    expect(options).toHaveLength(keysFor400.length);
    for (const key of keysFor400) expect(options.join('\n')).toContain(key);
    await page.close();
  });

  it('"Try it out" calls this sandbox and shows its answer', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/docs#/promotions/deactivatePromotionGlobally`);
    await page.locator('button.authorize').first().click();
    const basic = page.locator('.auth-container').filter({ hasText: 'basicAuth' });
    // The docs' worked example: store123 with md5('Pass123') as the password.
    await basic.locator('#auth-basic-username').fill('store123');
    await basic.locator('#auth-basic-password').fill('bdc87b9c894da5168059e00ebffb9077');
    await basic.locator('button.authorize').click();
    await page.locator('.modal-ux .close-modal').click();
    const operation = page.locator('#operations-promotions-deactivatePromotionGlobally');
    // tryItOutEnabled: the form is open already.
    await operation.locator('button.execute').click();
    const live = operation.locator('.live-responses-table');
    const status = live.locator('tr.response .response-col_status');
    await status.first().waitFor();
    expect(await status.first().innerText()).toContain('200');
    expect(await live.innerText()).toContain('"data": true');
    expect(await live.innerText()).toContain('x-cap-requestid');
    // The coverage panel shows what these credentials' client has received: that call.
    const coverage = page.locator('#sandbox-coverage');
    const documented = documentedAnswerLabels(await theContract()).length;
    await expect.poll(() => coverage.innerText(), { timeout: 10_000 }).toContain(`your client has received 1 of ${documented}`);
    expect(await coverage.innerText()).toMatch(/✓\s+deactivatePromotionGlobally\s+200\s+success\s+1 received/);
    await page.close();
  });
});
