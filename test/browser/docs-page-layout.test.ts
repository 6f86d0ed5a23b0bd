import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { SECTION_IDS } from '../../src/http/docs/served-document.js';
import { BROWSER_TEST_TIMEOUT, describeInChromium } from '../helpers/browser.js';
import { authorizeBasic, POLL, useDocsInChromium } from '../helpers/docs-in-chromium.js';
import { documentedAnswerLabels } from '../helpers/documented-answers.js';
import { DEACTIVATE_PATH, theContract, useSandbox } from '../helpers/sandbox.js';

/** The viewport the issue measures the page at: a laptop's browser window. */
const VIEWPORT = { width: 1400, height: 900 };

/** Where the first operation must start: the reader reaches a call to try within about a screen. */
const FIRST_OPERATION_WITHIN_PX = 1200;

/** Pixels of white between two header cells' words for them to read as two words. */
const HEADER_GAP_PX = 8;

/** Page-side measures (the tests' TypeScript has no DOM types: the probe is the page's own JavaScript). */
const PROBES = String.raw`{
  // The text of each header cell of the table, as drawn: where its words start and end.
  headerText: function (table) {
    return Array.from(table.querySelectorAll('thead th')).map(function (cell) {
      var range = document.createRange();
      range.selectNodeContents(cell);
      var box = range.getBoundingClientRect();
      return { text: cell.innerText.trim(), left: box.left, right: box.right };
    });
  },
  // Each body cell: its words, the lines it takes, whether it holds identifiers (code) and
  // whether one was broken across lines; and whether the table overflows its place.
  cells: function (table) {
    var cells = Array.from(table.querySelectorAll('tbody td')).map(function (cell) {
      var words = cell.innerText.split(/\s+/).filter(function (word) { return /\w/.test(word); });
      var range = document.createRange();
      range.selectNodeContents(cell);
      var tops = Array.from(range.getClientRects()).map(function (rect) { return rect.top; }).sort(function (a, b) { return a - b; });
      // Fragments of one line start within a few pixels of each other (code has its own padding).
      var lines = tops.filter(function (top, index) { return index === 0 || top - tops[index - 1] > 6; }).length;
      var codes = Array.from(cell.querySelectorAll('code'));
      var brokenCode = codes.some(function (code) { return code.getClientRects().length > 1; });
      return { text: cell.innerText.trim(), words: words.length, lines: lines, prose: codes.length === 0, brokenCode: brokenCode };
    });
    return { cells: cells, overflows: table.getBoundingClientRect().right > table.parentElement.getBoundingClientRect().right + 1 };
  },
}`;

interface HeaderText {
  readonly text: string;
  readonly left: number;
  readonly right: number;
}

interface CellLayout {
  readonly text: string;
  readonly words: number;
  readonly lines: number;
  /** No identifier in it: text that wraps at any space. */
  readonly prose: boolean;
  readonly brokenCode: boolean;
}

async function probe<Result>(page: Page, name: 'headerText' | 'cells', tableSelector: string): Promise<Result> {
  return page.evaluate<Result>(`(${PROBES}).${name}(document.querySelector(${JSON.stringify(tableSelector)}))`);
}

async function openDocs(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/docs`);
  await page.locator('.opblock').first().waitFor();
  // The panels the page's scripts add above the operations are part of what a reader scrolls past.
  await page.locator('#sandbox-coverage h3').waitFor();
  await page.locator('#sandbox-basic-credential form').waitFor();
}

/** A folded section of the description: closed at first, its content shown once its summary is clicked. */
async function expectFoldedThenOpen(section: Locator, content: Locator): Promise<void> {
  expect(await section.getAttribute('open')).toBeNull();
  expect(await content.isVisible()).toBe(false);
  await section.locator('summary').click();
  await content.waitFor();
  expect(await content.isVisible()).toBe(true);
}

describeInChromium('/docs opens on the operations (1400 × 900)', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  const chromium = useDocsInChromium(sandbox);

  it(`starts the first operation within ${FIRST_OPERATION_WITHIN_PX} px of the page's top`, { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await openDocs(page, chromium.origin);
    const first = await page.locator('.opblock').first().boundingBox();
    const scrolled = await page.evaluate<number>('window.scrollY');
    expect(first).not.toBeNull();
    expect((first?.y ?? Infinity) + scrolled).toBeLessThanOrEqual(FIRST_OPERATION_WITHIN_PX);
    await page.close();
  });

  it('folds the catalogue, which lists every code of the contract once opened', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await openDocs(page, chromium.origin);
    const section = page.locator(`details#${SECTION_IDS.catalogue}`);
    await expectFoldedThenOpen(section, section.locator('table'));
    const rows = await Promise.all((await section.locator('tbody tr').all()).map((row) => row.locator('td').allInnerTexts()));
    // Code and key of each row (a sandbox's key is followed by a note).
    const shown = rows.map(([code, key]) => `${code?.trim()} ${key?.trim().split(/\s+/)[0]}`);
    const { catalogue } = await theContract();
    expect(shown.toSorted()).toEqual(catalogue.entries.map((entry) => `${entry.code} ${entry.key}`).toSorted());
    await page.close();
  });

  it('folds the decisions and the scenarios, each shown once opened', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await openDocs(page, chromium.origin);
    const decisions = page.locator(`details#${SECTION_IDS.decisions}`);
    await expectFoldedThenOpen(decisions, decisions.locator('ul'));
    const { decisions: contractDecisions } = await theContract();
    const items = await decisions.locator('li').allInnerTexts();
    expect(items.map((item) => item.slice(0, item.indexOf(':')))).toEqual(contractDecisions.map(({ where }) => where));
    const scenarios = page.locator(`details#${SECTION_IDS.scenarios}`);
    await expectFoldedThenOpen(scenarios, scenarios.locator('table'));
    const served = (await sandbox.app.inject({ url: '/__sandbox/scenarios', headers: { authorization: 'Basic ZG9jczp4' } })).json<{ data: { name: string }[] }>().data;
    const names = await scenarios.locator('tbody tr td:first-child').allInnerTexts();
    expect(names.map((name) => name.trim())).toEqual(served.map(({ name }) => name));
    await page.close();
  });

  it('folds the coverage under its count, and keeps it open as it refreshes', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await openDocs(page, chromium.origin);
    // A tenant of its own (--auth open: any Basic credential is one).
    const username = `layout-${randomUUID()}`;
    await authorizeBasic(page, username, 'x');
    const coverage = page.locator('#sandbox-coverage');
    const documented = documentedAnswerLabels(await theContract()).length;
    await expect.poll(() => coverage.locator('summary').innerText(), POLL).toContain(`your client has received 0 of ${documented}`);
    await expectFoldedThenOpen(coverage.locator('details'), coverage.locator('table'));
    expect(await coverage.locator('tr').count()).toBe(documented);
    const authorization = `Basic ${Buffer.from(`${username}:x`).toString('base64')}`;
    expect((await sandbox.app.inject({ method: 'PUT', url: DEACTIVATE_PATH, headers: { authorization } })).statusCode).toBe(200);
    await expect.poll(() => coverage.locator('summary').innerText(), POLL).toContain(`your client has received 1 of ${documented}`);
    expect(await coverage.locator('details').getAttribute('open')).not.toBeNull();
    expect(await coverage.locator('table').innerText()).toMatch(/✓\s+deactivatePromotionGlobally\s+200\s+success\s+1 received/);
    await page.close();
  });

  it('draws the catalogue\'s header cells as separate words, and the scenario table\'s columns to be read', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const page = await chromium.browser.newPage({ viewport: VIEWPORT });
    await openDocs(page, chromium.origin);
    for (const id of Object.values(SECTION_IDS)) await page.locator(`details#${id} > summary`).click();
    const headers = await probe<HeaderText[]>(page, 'headerText', `#${SECTION_IDS.catalogue} table`);
    expect(headers.length).toBeGreaterThan(1);
    for (const [index, cell] of headers.entries()) {
      const next = headers[index + 1];
      if (next) expect(next.left - cell.right, `"${cell.text}" then "${next.text}"`).toBeGreaterThanOrEqual(HEADER_GAP_PX);
    }
    for (const id of [SECTION_IDS.catalogue, SECTION_IDS.scenarios]) {
      const { cells, overflows } = await probe<{ cells: CellLayout[]; overflows: boolean }>(page, 'cells', `#${id} table`);
      expect(overflows, `${id}: wider than the page`).toBe(false);
      for (const cell of cells) {
        expect(cell.brokenCode, `${id}: an identifier broken in "${cell.text}"`).toBe(false);
        // A column squeezed to a word a line: prose taking as many lines as it has words. (A
        // cell of identifiers may list one a line: none of them is broken.)
        if (cell.prose && cell.words >= 3) expect(cell.lines, `${id}: "${cell.text}" takes a line a word`).toBeLessThan(cell.words);
      }
    }
    await page.close();
  });
});
