import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { describeInChromium, launchChromium } from '../helpers/browser.js';
import { DEACTIVATE_PATH, DOCS_BASIC } from '../helpers/sandbox.js';

/** The QA tool's page: an origin of its own, another host name than the sandbox's. */
const PAGE_HOST = 'qa-tool.test';

/** What the page's own script reports of its call to the sandbox. */
interface Called {
  readonly status?: number;
  readonly code?: number;
  readonly scenario?: string | null;
  readonly requestId?: string | null;
  readonly failed?: string;
}

describeInChromium('--cors in a real browser', () => {
  let browser: Browser;
  let page: Server;
  let pageOrigin = '';
  const running: ReturnType<typeof startCli>[] = [];

  beforeAll(async () => {
    page = createServer((_request, response) => response.end('<!doctype html><title>QA tool</title>'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://${PAGE_HOST}:${(page.address() as AddressInfo).port}`;
    browser = await launchChromium([PAGE_HOST]);
  });
  afterEach(async () => {
    const stopping = running.splice(0);
    for (const sandbox of stopping) sandbox.child.kill('SIGTERM');
    await Promise.all(stopping.map((sandbox) => sandbox.finished));
  });
  afterAll(async () => {
    await browser?.close();
    page?.close();
  });

  /** The built command with `args`; a page of the QA tool's origin calls it as a browser client would. */
  async function callFromThePage(args: string[]): Promise<Called> {
    const sandbox = startCli(args, { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const target = `${await listeningUrl(sandbox.output)}${DEACTIVATE_PATH}?customerId=1`;
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    const called = await tab.evaluate(
      async ({ url, authorization }) => {
        try {
          // Headers that are not CORS-safelisted: the browser sends a preflight first.
          const response = await fetch(url, { method: 'POST', headers: { authorization, 'x-sandbox-scenario': 'open-cart', 'content-type': 'application/json' } });
          const body = (await response.json()) as { errors: { code: number }[] };
          return { status: response.status, code: body.errors[0]?.code, scenario: response.headers.get('x-sandbox-scenario'), requestId: response.headers.get('x-cap-requestid') };
        } catch (error) {
          return { failed: String(error) };
        }
      },
      { url: target, authorization: DOCS_BASIC },
    );
    await tab.close();
    return called;
  }

  it("a page of an allowed origin calls the sandbox with credentials and a scenario, and reads the answer and the sandbox's headers", async () => {
    const called = await callFromThePage(['--cors', pageOrigin]);
    expect(called).toEqual({ status: 400, code: 737, scenario: 'open-cart', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string });
  });

  it('without --cors the browser refuses the page the answer, as the vendor\'s API does', async () => {
    const called = await callFromThePage([]);
    expect(called.failed).toMatch(/TypeError: Failed to fetch/);
  });
});
