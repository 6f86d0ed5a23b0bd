import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { BROWSER_TEST_TIMEOUT, describeInChromium } from '../helpers/browser.js';
import { authorizeBasic, execute, openFoldedSections, operationBlock, useDocsInChromium } from '../helpers/docs-in-chromium.js';
import { documentedAnswerLabels, vendorOperations } from '../helpers/documented-answers.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

const asset = (name: string) => readFileSync(new URL(`../../assets/${name}`, import.meta.url));

describeInChromium('/docs in a real browser', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  const chromium = useDocsInChromium(sandbox);

  it('shows the vendor\'s operations and every error of the catalogue with its key', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${chromium.origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    // The page opens on the operations: what follows is folded until the reader opens it.
    await openFoldedSections(page);
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
      data: { name: string; magic: Record<string, Record<string, string>> }[];
    }>().data;
    expect(text).toContain('Scenarios and magic values');
    for (const scenario of scenarios) {
      expect(text, scenario.name).toContain(scenario.name);
      for (const value of Object.values(scenario.magic).flatMap(Object.values)) expect(text, `${scenario.name} magic`).toContain(value);
    }
    await page.close();
  });

  it('offers this sandbox alone as the server "Try it out" calls (the vendor\'s gateway stays in the text)', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${chromium.origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    const servers = await page.locator('.servers select option').allInnerTexts();
    expect(servers).toEqual([expect.stringMatching(/^\/ ?/)]);
    expect(await page.locator('body').innerText()).toContain('{host}');
    await page.close();
  });

  it('lists each error code of an operation among its response examples', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${chromium.origin}/docs#/promotions/deactivatePromotionForCustomer`);
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

  it('"Try it out" calls this sandbox and shows its answer', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${chromium.origin}/docs#/promotions/deactivatePromotionGlobally`);
    // The docs' worked example: store123 with md5('Pass123') as the password.
    await authorizeBasic(page, 'store123', '2f23fa3579f3f75175793649115c1b25');
    const operation = operationBlock(page, 'promotions', 'deactivatePromotionGlobally');
    // tryItOutEnabled: the form is open already.
    expect(await execute(operation)).toContain('200');
    const live = operation.locator('.live-responses-table');
    expect(await live.innerText()).toContain('"data": true');
    expect(await live.innerText()).toContain('x-cap-requestid');
    // The coverage panel shows what these credentials' client has received: that call.
    const coverage = page.locator('#sandbox-coverage');
    const documented = documentedAnswerLabels(await theContract()).length;
    await expect.poll(() => coverage.innerText(), { timeout: 10_000 }).toContain(`your client has received 1 of ${documented}`);
    // The answers are folded under the count.
    await coverage.locator('summary').click();
    expect(await coverage.innerText()).toMatch(/✓\s+deactivatePromotionGlobally\s+200\s+success\s+1 received/);
    await page.close();
  });

  it("carries the product's own title, logo and favicon, not Swagger UI's or Fastify's, under a strict CSP", { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    const answer = await page.goto(`${chromium.origin}/docs`);
    const policy = answer?.headers()['content-security-policy'] ?? '';
    // Every script of the page is a file of the sandbox's own origin: none inline, none elsewhere.
    expect(policy).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
    expect(policy).toMatch(/(^|;)\s*script-src-attr 'none'(;|$)/);
    await page.locator('.opblock').first().waitFor();
    expect(await page.title()).toBe('promotions-sandbox');
    const logo = page.locator('.topbar a.link img');
    expect(await logo.getAttribute('src')).toBe(`data:image/svg+xml;base64,${asset('logo.svg').toString('base64')}`);
    // Drawn, not a broken image.
    expect(await logo.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('.topbar').innerHTML()).not.toMatch(/fastify/i);
    const icons = page.locator('link[rel~="icon"]');
    expect(await icons.count()).toBe(1);
    expect(await icons.getAttribute('type')).toBe('image/svg+xml');
    // Fetched by the page itself: only Chromium resolves the hosted name.
    const favicon = await page.evaluate(async (href) => {
      const answer = await fetch(href);
      return { type: answer.headers.get('content-type'), text: await answer.text() };
    }, (await icons.getAttribute('href')) ?? '');
    expect(favicon).toEqual({ type: 'image/svg+xml', text: asset('favicon.svg').toString('utf8') });
    await page.close();
  });
});
