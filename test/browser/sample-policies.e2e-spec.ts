import { jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SessionService } from '../../lib/index.js';
import { POLICY_WORDS } from '../../sample/session-policies.constants.js';
import { DEMO_USERS } from '../../sample/users.service.js';
import type { AdapterName } from '../support/http-app.js';
import { launchChromium } from './chromium.launcher.js';
import { ageSessions, startSample } from './sample.server.js';
import type { RunningSample } from './sample.server.js';

// The sample's account policies in Chromium: "Keep me signed in", the Security page's password
// confirmation, at most 3 devices, the log of session events. Run as sample.e2e-spec.ts is.

// A browser on a busy CI machine is slow to start and to paint: room for that, not a deadline.
jest.setTimeout(60_000);

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const [ALICE] = DEMO_USERS;
const MINUTE = 60_000;
const DAY_SECONDS = 24 * 60 * 60;

/** The adapter under test: Express, as `npm start` runs it, or `ADAPTER=fastify`. */
const adapter: AdapterName = process.env.ADAPTER === 'fastify' ? 'fastify' : 'express';

describe(`the sample's account policies in Chromium (${adapter})`, () => {
  let browser: Browser;
  let sample: RunningSample;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [browser, sample] = await Promise.all([launchChromium(), startSample(adapter)]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await sample.app.get(SessionService).revokeAllForUser(ALICE.id); // each test starts alone
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  /** A separate browser (its own cookies), as on another device. */
  async function newDevice(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 960, height: 640 } });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, options: { rememberMe?: boolean } = {}): Promise<void> {
    await page.goto(`${sample.url}/login`);
    await page.fill('#username', ALICE.username);
    await page.fill('#password', ALICE.password);
    if (options.rememberMe) await page.check('#remember-me');
    await Promise.all([
      page.waitForURL(`${sample.url}/account`),
      page.click('button[type=submit]'),
    ]);
  }

  /** Seconds from now until the browser drops its session cookie. */
  async function cookieLifetime(page: Page): Promise<number> {
    const cookie = (await page.context().cookies(sample.url)).find((c) => c.name === 'sid');
    expect(cookie).toBeDefined();
    return cookie!.expires - Date.now() / 1000;
  }

  function screenshot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: join(SCREENSHOTS, `${adapter}-${name}.png`) });
  }

  it('keeps a browser signed in for 30 days with "Keep me signed in" ticked, else 30 minutes', async () => {
    const [remembered, plain] = await Promise.all([newDevice(), newDevice()]);
    await remembered.goto(`${sample.url}/login`);
    expect(await remembered.textContent('label.check')).toContain('Keep me signed in');
    await remembered.check('#remember-me');
    await screenshot(remembered, 'sign-in-remember-me');
    await signIn(remembered, { rememberMe: true });
    await signIn(plain);

    expect(await remembered.textContent('h1')).toBe(`Hello, ${ALICE.username}`);
    expect(await cookieLifetime(remembered)).toBeGreaterThan(29 * DAY_SECONDS);
    expect(await cookieLifetime(plain)).toBeLessThanOrEqual(30 * 60);

    // An hour without a visit: the plain session is over, the remembered one is not.
    await ageSessions(sample.app, 60 * MINUTE, { userId: ALICE.id });
    await plain.goto(`${sample.url}/account`);
    expect(plain.url()).toBe(`${sample.url}/login`);
    await remembered.goto(`${sample.url}/account`);
    expect(await remembered.textContent('h1')).toBe(`Hello, ${ALICE.username}`);
  });

  it('asks for the password again before the Security page once the sign-in is old', async () => {
    const page = await newDevice();
    await signIn(page);
    await Promise.all([
      page.waitForURL(`${sample.url}/security`),
      page.click('nav >> text=Security'),
    ]);
    expect(await page.textContent('h1')).toBe('Security'); // just signed in: fresh enough

    await ageSessions(sample.app, 6 * MINUTE, { userId: ALICE.id }); // signed in 6 minutes ago
    await page.goto(`${sample.url}/account`);
    await Promise.all([
      page.waitForURL(`${sample.url}/login?reauth=1&next=%2Fsecurity`),
      page.click('nav >> text=Security'),
    ]);
    expect(await page.textContent('h1')).toBe('Confirm your password');
    expect(await page.textContent('main strong')).toBe(ALICE.username);
    await page.fill('#password', 'not-her-password');
    await screenshot(page, 'confirm-password');
    await Promise.all([
      page.waitForURL(`${sample.url}/login?reauth=1&next=%2Fsecurity`),
      page.click('button[type=submit]'),
    ]);
    expect(await page.textContent('.notice')).toBe('That is not your password.');

    await page.fill('#password', ALICE.password);
    await Promise.all([
      page.waitForURL(`${sample.url}/security`),
      page.click('button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Security');
    await page.reload(); // fresh now: the page stays
    expect(page.url()).toBe(`${sample.url}/security`);
  });

  it('signs the first of four browsers out when the fourth signs in, and logs it', async () => {
    const devices = [await newDevice(), await newDevice(), await newDevice(), await newDevice()];
    const [first, , , fourth] = devices as [Page, Page, Page, Page];
    for (const device of devices.slice(0, 3)) await signIn(device);
    await first.waitForSelector('html[data-live=on]'); // its socket is watched

    // The first browser sits on its account page: it is sent to sign in by itself.
    const landed = first.waitForURL(`${sample.url}/login?signed-out=elsewhere`);
    await signIn(fourth);
    await landed;
    expect(await first.textContent('.notice')).toBe('You were signed out from another device.');
    await first.goto(`${sample.url}/account`); // and stays signed out on its next page load
    expect(first.url()).toBe(`${sample.url}/login`);
    for (const device of devices.slice(1)) {
      await device.goto(`${sample.url}/account`);
      expect(await device.textContent('h1')).toBe(`Hello, ${ALICE.username}`);
    }

    await fourth.goto(`${sample.url}/devices`);
    expect(await fourth.locator('tbody tr').count()).toBe(3);
    expect(await fourth.textContent('.limit')).toBe(
      `You can be signed in on ${POLICY_WORDS.devices}.`,
    );
    await screenshot(fourth, 'devices-limit');

    await fourth.goto(`${sample.url}/security`);
    const what = await fourth.locator('table.audit tbody td:nth-child(2)').allTextContents();
    expect(what.slice(0, 5)).toEqual([
      'Signed in',
      `Signed out: ${POLICY_WORDS.tooManyDevices}`,
      'Signed in',
      'Signed in',
      'Signed in',
    ]);
  });

  it('logs sign-ins, a revocation from "Your devices" and a sign-out on the Security page', async () => {
    const [laptop, phone, tablet] = [await newDevice(), await newDevice(), await newDevice()];
    await signIn(laptop);
    await signIn(phone);
    await signIn(tablet);
    await Promise.all([
      tablet.waitForURL(/\/login\?signed-out$/),
      tablet.click('nav >> text=Sign out'),
    ]);
    await laptop.goto(`${sample.url}/devices`);
    await Promise.all([
      laptop.waitForURL(`${sample.url}/devices`),
      laptop.locator('tbody tr:not(.current) button').click(),
    ]);

    await laptop.goto(`${sample.url}/security`);
    const log = laptop.locator('table.audit tbody tr');
    // Newest first; earlier tests' events follow.
    const what = await log.locator('td:nth-child(2)').allTextContents();
    expect(what.slice(0, 5)).toEqual([
      'Signed out from “Your devices”',
      'Signed out',
      'Signed in',
      'Signed in',
      'Signed in',
    ]);
    await screenshot(laptop, 'security');
  });
});
