import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { stringify } from 'yaml';
import { expect, it } from 'vitest';
import { basicAuthorization } from '../../src/auth/credentials.js';
import { BROWSER_TEST_TIMEOUT, describeInChromium } from '../helpers/browser.js';
import { execute, operationBlock, POLL, useDocsInChromium } from '../helpers/docs-in-chromium.js';
import { DEACTIVATE_PATH, useSandbox } from '../helpers/sandbox.js';

/**
 * The docs' worked example, and a till whose name and password are not ASCII: made of UTF-8 on
 * both sides (Swagger UI alone would have sent the name as Latin-1).
 */
const TILLS = [
  { username: 'store123', password: 'Pass123' },
  { username: 'kassa-göteborg', password: 'lösenord ✓ 密码' },
];
/** A name past Latin-1, which Swagger UI's Basic cannot carry: the form makes its header all the same. */
const FAR_TILL = { username: '店舗-7', password: 'パス' };

function accountsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'docs-accounts-')), 'accounts.yaml');
  writeFileSync(file, stringify({ accounts: [...TILLS, FAR_TILL] }));
  return file;
}

/**
 * Everything a request of the page carried, as text. The page's polling goes on until it closes,
 * and a request's headers cannot be read once it has: those requests are left out, not a failure.
 */
async function sentText(request: Request): Promise<string> {
  const headers = await request.allHeaders().catch(() => undefined);
  return headers === undefined ? '' : `${request.url()}\n${JSON.stringify(headers)}\n${request.postData() ?? ''}`;
}

async function useTheForm(page: Page, username: string, password: string): Promise<string> {
  const form = page.locator('#sandbox-basic-credential');
  await form.locator('input[name="till"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  return form.locator('.sandbox-basic-header').inputValue();
}

// --auth accounts: the sandbox checks the header, so only the right one answers 200 (any other: 401).
describeInChromium('/docs: the Basic credential form', () => {
  const sandbox = useSandbox({ logLevel: 'silent', auth: 'accounts', accounts: accountsFile() });
  const chromium = useDocsInChromium(sandbox);

  it('makes the header Node makes, base64(till:md5(password)), in the browser, sending nothing, and Authorize and "Try it out" use it', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    const sent: Promise<string>[] = [];
    page.on('request', (request) => sent.push(sentText(request)));
    await page.goto(`${chromium.origin}/docs#/promotions/deactivatePromotionGlobally`);
    const operation = operationBlock(page, 'promotions', 'deactivatePromotionGlobally');
    await operation.locator('.opblock-body').waitFor();
    const panel = operation.locator('.sandbox-recent-requests');

    // A wrong password makes another header, which the sandbox refuses: the panel says so.
    await useTheForm(page, 'store123', 'not-the-password');
    await expect.poll(() => panel.innerText(), POLL).toContain('These credentials are refused (401)');
    expect(await execute(operation)).toBe('401');

    for (const till of TILLS) {
      expect(await useTheForm(page, till.username, till.password), till.username).toBe(basicAuthorization(till.username, till.password));
      expect(await page.locator('.sandbox-basic-status').innerText()).toContain(`Authorized as till ${till.username}`);
      expect(await execute(operation), till.username).toBe('200');
      // The call was that till's: its history holds it.
      const history = await sandbox.inject({ url: '/__sandbox/requests', headers: { authorization: basicAuthorization(till.username, till.password) } });
      expect(history.json<{ data: { total: number } }>().data.total, till.username).toBe(1);
    }
    const far = await useTheForm(page, FAR_TILL.username, FAR_TILL.password);
    expect(far).toBe(basicAuthorization(FAR_TILL.username, FAR_TILL.password));
    expect(await page.locator('.sandbox-basic-status').innerText()).toContain('Swagger UI cannot send a till name with characters past Latin-1');
    // And the sandbox takes that header from a client.
    const fromAClient = await sandbox.inject({ method: 'PUT', url: DEACTIVATE_PATH, headers: { authorization: far } });
    expect(fromAClient.statusCode).toBe(200);

    const everything = (await Promise.all(sent)).join('\n');
    for (const { password } of TILLS) {
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(encodeURIComponent(password));
    }
    expect(everything).toContain(basicAuthorization(TILLS[1]?.username ?? '', TILLS[1]?.password ?? ''));
    await page.close();
  });

  it('copies the header, and refuses a till name with a colon, which Basic cannot carry', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${chromium.origin}/docs`);
    await page.locator('#sandbox-basic-credential').waitFor();
    const header = await useTheForm(page, 'store123', 'Pass123');
    await page.locator('#sandbox-basic-credential button', { hasText: 'Copy' }).click();
    await expect.poll(() => page.locator('.sandbox-basic-status').innerText(), POLL).toBe('Copied the header value.');
    // Plain HTTP to a host name is no secure context: the page copied by selecting the field.
    expect(await page.evaluate(() => (globalThis as unknown as { isSecureContext: boolean }).isSecureContext)).toBe(false);
    const field = page.locator('.sandbox-basic-header');
    expect(await field.evaluate((input) => {
      const { selectionStart, selectionEnd, value } = input as unknown as { selectionStart: number; selectionEnd: number; value: string };
      return value.slice(selectionStart, selectionEnd);
    })).toBe(header);

    await useTheForm(page, 'store:123', 'Pass123');
    expect(await page.locator('.sandbox-basic-status').innerText()).toContain('cannot hold a colon');
    await page.close();
  });
});
