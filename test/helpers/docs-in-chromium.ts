import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import type { TestSandbox } from './sandbox.js';

/**
 * The page is reached as partner QA reaches a hosted sandbox: by a host name that is not
 * loopback, over plain HTTP (Chromium treats localhost as secure, and hid a blank page there).
 */
export const HOSTED_NAME = 'partners.sandbox.test';

/** How long a test waits for a panel to show something: past the panels' poll of 2 s, with room for a busy machine. */
export const POLL = { timeout: 10_000 } as const;

export interface DocsInChromium {
  readonly browser: Browser;
  /** `http://partners.sandbox.test:<port>`: the sandbox, listening on loopback. */
  readonly origin: string;
}

/** The sandbox of a suite listening on loopback, and a Chromium to open its /docs, for the suite's tests. */
export function useDocsInChromium(sandbox: TestSandbox): DocsInChromium {
  let browser: Browser | undefined;
  let origin = '';
  beforeAll(async () => {
    const { port } = new URL(await sandbox.app.listen({ host: '127.0.0.1', port: 0 }));
    origin = `http://${HOSTED_NAME}:${port}`;
    browser = await launchChromium([HOSTED_NAME]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not started yet');
      return browser;
    },
    get origin() {
      return origin;
    },
  };
}

/** An operation's block on /docs, by its tag and operationId (Swagger UI's element id). */
export function operationBlock(page: Page, tag: string, operationId: string): Locator {
  return page.locator(`#operations-${tag}-${operationId}`);
}

/** Opens, as a reader does, every section the description folds (catalogue, decisions, scenarios). */
export async function openFoldedSections(page: Page): Promise<void> {
  // The first closed one each time: a section once opened leaves the list.
  const closed = page.locator('.info details:not([open]) > summary');
  while ((await closed.count()) > 0) await closed.first().click();
}

/** Authorizes with Basic through Swagger UI's own Authorize dialog, as a reader does. */
export async function authorizeBasic(page: Page, username: string, password: string): Promise<void> {
  await page.locator('button.authorize').first().click();
  const basic = page.locator('.auth-container').filter({ hasText: 'basicAuth' });
  await basic.locator('#auth-basic-username').fill(username);
  await basic.locator('#auth-basic-password').fill(password);
  await basic.locator('button.authorize').click();
  await page.locator('.modal-ux .close-modal').click();
}

/** Clicks "Execute" of an open operation (tryItOutEnabled: its form is open) and returns the HTTP status shown. */
export async function execute(operation: Locator): Promise<string> {
  const live = operation.locator('.live-responses-table');
  // The answer of an earlier call is cleared first, so that the status read is the new one's.
  const clear = operation.locator('button.btn-clear');
  if ((await clear.count()) > 0) await clear.click();
  await operation.locator('button.execute').click();
  const status = live.locator('tr.response .response-col_status').first();
  await status.waitFor();
  return (await status.innerText()).trim();
}
