import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { BROWSER_TEST_TIMEOUT, describeInChromium } from '../helpers/browser.js';
import { authorizeBasic, execute, operationBlock, POLL, useDocsInChromium } from '../helpers/docs-in-chromium.js';
import { DEACTIVATE_PATH, useSandbox } from '../helpers/sandbox.js';

/** A user agent a hostile client could send: were it parsed as HTML, an image would appear in the panel. */
const HOSTILE_USER_AGENT = '<img src=x onerror="window.sandboxXss=1"><script>window.sandboxXss=2</script>';

/** The rows of an operation's Recent Requests, each as its cells' text. */
async function rowsOf(panel: Locator): Promise<string[][]> {
  const rows = await panel.locator('tbody tr').all();
  return Promise.all(rows.map((row) => row.locator('td').allInnerTexts()));
}

/** A tenant of its own (--auth open: any Basic credential is one), and the header it sends. */
function freshTenant(): { username: string; password: string; authorization: string } {
  const username = `reader-${randomUUID()}`;
  return { username, password: 'x', authorization: `Basic ${Buffer.from(`${username}:x`).toString('base64')}` };
}

async function openOperation(page: Page, url: string, operationId: string): Promise<Locator> {
  await page.goto(`${url}#/promotions/${operationId}`);
  const operation = operationBlock(page, 'promotions', operationId);
  await operation.locator('.opblock-body').waitFor();
  return operation;
}

describeInChromium('/docs: Recent Requests of each operation, as on the vendor\'s page', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  const chromium = useDocsInChromium(sandbox);

  /** The operation open on /docs, authorized as a tenant of its own, whose panel shows no call yet. */
  async function openAuthorized(operationId: string): Promise<{ page: Page; tenant: ReturnType<typeof freshTenant>; operation: Locator; panel: Locator }> {
    const page = await chromium.browser.newPage();
    const tenant = freshTenant();
    const operation = await openOperation(page, `${chromium.origin}/docs`, operationId);
    await authorizeBasic(page, tenant.username, tenant.password);
    const panel = operation.locator('.sandbox-recent-requests');
    await expect.poll(() => panel.innerText(), POLL).toContain('No requests of this operation yet');
    return { page, tenant, operation, panel };
  }

  it('before the reader authorizes, each vendor operation says to log in; the sandbox\'s own have no panel', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage();
    const operation = await openOperation(page, `${chromium.origin}/docs`, 'deactivatePromotionForCustomer');
    const panel = operation.locator('.sandbox-recent-requests');
    await expect.poll(() => panel.innerText(), POLL).toContain('Log in to see full request history');
    expect(await panel.locator('table').count()).toBe(0);
    const global = operationBlock(page, 'promotions', 'deactivatePromotionGlobally');
    await global.locator('.opblock-summary-control').click();
    await expect.poll(() => global.locator('.sandbox-recent-requests').innerText(), POLL).toContain('Log in to see full request history');
    // The history records the vendor's calls only: a sandbox call shows none.
    const own = operationBlock(page, 'sandbox', 'listRequests');
    await own.locator('.opblock-summary-control').click();
    await own.locator('.opblock-body').waitFor();
    expect(await own.locator('.sandbox-recent-requests').count()).toBe(0);
    await page.close();
  });

  it('once authorized, a call forced through "Try it out" shows with its status, code, user agent and scenario, newest first', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const { page, tenant, operation, panel } = await openAuthorized('deactivatePromotionForCustomer');

    await operation.locator('tr[data-param-name="X-Sandbox-Scenario"] select').selectOption('open-cart');
    expect(await execute(operation)).toBe('400');
    await expect.poll(() => rowsOf(panel), POLL).toHaveLength(1);
    const userAgent = await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
    const [forced] = await rowsOf(panel);
    expect(forced?.slice(1)).toEqual(['400', '737', userAgent, 'open-cart']);
    // The time is the history's, shown in the reader's locale, the exact instant on hover.
    const recorded = (await sandbox.inject({ url: '/__sandbox/requests', headers: { authorization: tenant.authorization } })).json<{ data: { requests: { time: string }[] } }>();
    expect(await panel.locator('tbody tr td').first().getAttribute('title')).toBe(recorded.data.requests[0]?.time);

    await operation.locator('tr[data-param-name="X-Sandbox-Scenario"] select').selectOption('--');
    expect(await execute(operation)).toBe('200');
    await expect.poll(() => rowsOf(panel), POLL).toHaveLength(2);
    expect((await rowsOf(panel)).map((row) => row.slice(1))).toEqual([
      ['200', '—', userAgent, '—'],
      ['400', '737', userAgent, 'open-cart'],
    ]);
    expect(await panel.innerText()).toContain('The latest 2 of 2, newest first');
    // A session typed into the form is a tenant of its own, and the panel follows it.
    await operation.locator('tr[data-param-name="X-Sandbox-Session"] input').fill('docs-session');
    await expect.poll(() => panel.innerText(), POLL).toContain('No requests of this operation yet');
    expect(await execute(operation)).toBe('200');
    await expect.poll(() => rowsOf(panel), POLL).toHaveLength(1);
    await operation.locator('tr[data-param-name="X-Sandbox-Session"] input').fill('');
    await expect.poll(() => rowsOf(panel), POLL).toHaveLength(2);
    // Another operation's panel shows only its own calls.
    const global = operationBlock(page, 'promotions', 'deactivatePromotionGlobally');
    await global.locator('.opblock-summary-control').click();
    await expect.poll(() => global.locator('.sandbox-recent-requests').innerText(), POLL).toContain('No requests of this operation yet');
    await page.close();
  });

  it('shows a call made elsewhere while the page is open, and what its client sent as text only, never as HTML', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const { page, tenant, panel } = await openAuthorized('deactivatePromotionGlobally');
    // The tenant's own client, not the page: the panel learns of it by asking again.
    const call = await sandbox.inject({ method: 'PUT', url: DEACTIVATE_PATH, headers: { authorization: tenant.authorization, 'user-agent': HOSTILE_USER_AGENT } });
    expect(call.statusCode).toBe(200);
    await expect.poll(() => rowsOf(panel), POLL).toHaveLength(1);
    expect((await rowsOf(panel))[0]?.[3]).toBe(HOSTILE_USER_AGENT);
    expect(await panel.locator('img, script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { sandboxXss?: number }).sandboxXss)).toBeUndefined();
    await page.close();
  });
});
