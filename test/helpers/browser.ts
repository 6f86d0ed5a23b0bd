import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describeWith, installed } from './components.js';

/** The system's Chromium, which playwright-core drives (it downloads no browser of its own). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A browser test's time: a page of Swagger UI takes seconds to draw on a busy machine (two cores, shared). */
export const BROWSER_TEST_TIMEOUT = 60_000;

/** A suite that needs Chromium: skipped with the line to install it, or failed in CI (components.ts). */
export function describeInChromium(name: string, suite: () => void): void {
  describeWith(installed(`Chromium at ${CHROMIUM}`, existsSync(CHROMIUM), 'apt-get install chromium, or set CHROMIUM_PATH'), name, suite);
}

/** Headless Chromium, with each of `hostNames` resolved to this machine (a page reached as a hosted one is). */
export function launchChromium(hostNames: readonly string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--host-resolver-rules=${hostNames.map((name) => `MAP ${name} 127.0.0.1`).join(',')}`],
  });
}
