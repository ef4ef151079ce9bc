import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/**
 * The Chromium the browser suites drive: Debian's `chromium` package (CI installs it), or
 * `CHROMIUM_PATH` for another local build (jest.config.js leaves the browser suites out when
 * there is none). `npx playwright install` is never needed.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Quiet, offline, headless: no sandbox (containers), no GPU, no background traffic. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile of its own (Playwright makes a temporary one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}
