import { jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SessionService } from '../../lib/index.js';
import { DEMO_USERS } from '../../sample/users.service.js';
import type { AdapterName } from '../support/http-app.js';
import { launchChromium } from './chromium.launcher.js';
import { startSample } from './sample.server.js';
import type { RunningSample } from './sample.server.js';

// Run by `npm test` when Chromium is installed (jest.config.js leaves this folder out, with a
// warning, when it is not). Everything a person does: type, click, follow redirects.

// A browser on a busy CI machine is slow to start and to paint: room for that, not a deadline.
jest.setTimeout(60_000);

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const ALICE_ID = DEMO_USERS[0].id;
/** A revoked device's page is on the sign-in page within this, counted from the click. */
const SIGNED_OUT_WITHIN_MS = 5_000;
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/**
 * The adapter under test: Express, as `npm start` runs it, or `ADAPTER=fastify`. Over HTTP,
 * test/sample.e2e-spec.ts runs the same scenarios on both adapters on every run.
 */
const adapter: AdapterName = process.env.ADAPTER === 'fastify' ? 'fastify' : 'express';

describe(`the sample app in Chromium (${adapter})`, () => {
  let browser: Browser;
  let sample: RunningSample;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [browser, sample] = await Promise.all([launchChromium(), startSample(adapter)]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await sample.app.get(SessionService).revokeAllForUser(ALICE_ID); // each test starts alone
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  /** A separate browser (its own cookies), as on another device. */
  async function newDevice(userAgent?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 960, height: 560 }, userAgent });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, username = 'alice', password = 'wonderland-123') {
    await page.goto(`${sample.url}/login`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await Promise.all([
      page.waitForURL(`${sample.url}/account`),
      page.click('button[type=submit]'),
    ]);
  }

  function screenshot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: join(SCREENSHOTS, `${adapter}-${name}.png`) });
  }

  it('signs in from the form (after a wrong password), shows the flash once, signs out', async () => {
    const page = await newDevice();
    await page.goto(`${sample.url}/`);
    expect(page.url()).toBe(`${sample.url}/login`); // / → /account → 303 to sign in
    await page.fill('#username', 'alice');
    await page.fill('#password', 'wonderland-123');
    await screenshot(page, 'sign-in');
    await page.fill('#password', 'not-her-password');
    await Promise.all([page.waitForURL(`${sample.url}/login`), page.click('button[type=submit]')]);
    expect(await page.textContent('.notice')).toBe('Wrong username or password.');
    expect(await page.inputValue('#username')).toBe('alice');

    await page.fill('#password', 'wonderland-123');
    await Promise.all([
      page.waitForURL(`${sample.url}/account`),
      page.click('button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Hello, alice');
    expect(await page.textContent('.notice')).toBe('Welcome, alice. You are signed in.');
    await screenshot(page, 'account');
    await page.reload();
    expect(await page.locator('.notice').count()).toBe(0);

    await Promise.all([
      page.waitForURL(/\/login\?signed-out$/),
      page.click('nav >> text=Sign out'),
    ]);
    expect(await page.textContent('.notice')).toBe('You are signed out.');
    await page.goto(`${sample.url}/account`);
    expect(page.url()).toBe(`${sample.url}/login`);
  });

  it('answers a tampered sign-in form (no maxlength, a control character) with a clear page', async () => {
    const page = await newDevice();
    for (const [username, reason] of [
      ['m'.repeat(150), 'Usernames are at most 100 characters long.'],
      ['mallory\u0007', 'Usernames cannot contain control or invalid characters.'],
    ]) {
      await page.goto(`${sample.url}/login`);
      await page
        .locator('#username')
        .evaluate((input: { removeAttribute(name: string): void }) =>
          input.removeAttribute('maxlength'),
        );
      await page.fill('#username', username);
      await page.fill('#password', 'anything');
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.url() === `${sample.url}/login` && r.request().method() === 'POST',
        ),
        page.click('button[type=submit]'),
      ]);
      expect(response.status()).toBe(400);
      expect(await page.textContent('h1')).toBe('Form not accepted');
      expect(await page.textContent('main li')).toBe(reason);
    }
    await screenshot(page, 'form-not-accepted');
    await Promise.all([
      page.waitForURL(`${sample.url}/login`),
      page.click('text=Back to the sign-in form'),
    ]);
    await page.fill('#username', 'alice');
    await page.fill('#password', 'wonderland-123');
    await Promise.all([
      page.waitForURL(`${sample.url}/account`),
      page.click('button[type=submit]'),
    ]);
    expect(await page.textContent('h1')).toBe('Hello, alice');
  });

  it('revokes a second device: its next navigation lands on the sign-in page', async () => {
    const [laptop, phone] = await Promise.all([newDevice(), newDevice(IPHONE)]);
    await signIn(laptop);
    await signIn(phone);

    await laptop.goto(`${sample.url}/devices`);
    const rows = laptop.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await laptop.textContent('tr.current')).toContain('this device');
    const phoneRow = rows.filter({ hasText: 'Safari on iOS' });
    expect(await phoneRow.count()).toBe(1);
    await screenshot(laptop, 'devices');

    await Promise.all([
      laptop.waitForURL(`${sample.url}/devices`),
      phoneRow.locator('button').click(),
    ]);
    expect(await laptop.textContent('.notice')).toBe('Signed out Safari on iOS (127.0.0.1).');
    expect(await laptop.locator('tbody tr').count()).toBe(1);

    await phone.goto(`${sample.url}/account`);
    expect(phone.url()).toBe(`${sample.url}/login`);
    await laptop.goto(`${sample.url}/account`);
    expect(laptop.url()).toBe(`${sample.url}/account`);
  });

  it('sends a page whose session is revoked elsewhere to sign in, with nothing done there', async () => {
    const [laptop, phone] = await Promise.all([newDevice(), newDevice(IPHONE)]);
    await signIn(laptop);
    await signIn(phone);
    await phone.waitForSelector('html[data-live=on]'); // its socket is watched

    await laptop.goto(`${sample.url}/devices`);
    const phoneRow = laptop.locator('tbody tr').filter({ hasText: 'Safari on iOS' });
    // The phone just sits on its account page; the wait starts before the click.
    const landed = phone.waitForURL(`${sample.url}/login?signed-out=elsewhere`, {
      timeout: SIGNED_OUT_WITHIN_MS,
    });
    const start = performance.now();
    await Promise.all([
      laptop.waitForURL(`${sample.url}/devices`),
      phoneRow.locator('button').click(),
    ]);
    await landed;
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(SIGNED_OUT_WITHIN_MS);
    if (process.env.WS_TIMINGS === '1')
      console.log(`revoked page to sign-in: ${elapsed.toFixed(0)} ms`);
    expect(await phone.textContent('.notice')).toBe('You were signed out from another device.');
    await screenshot(phone, 'signed-out-elsewhere');

    expect(await laptop.textContent('.notice')).toBe('Signed out Safari on iOS (127.0.0.1).');
    expect(await laptop.locator('html[data-live=on]').count()).toBe(1); // this one stays
    await phone.goto(`${sample.url}/account`);
    expect(phone.url()).toBe(`${sample.url}/login`);
  });

  it('"Sign out everywhere else" also sends the other page to sign in at once', async () => {
    const [laptop, phone] = await Promise.all([newDevice(), newDevice(IPHONE)]);
    await signIn(laptop);
    await signIn(phone);
    await phone.goto(`${sample.url}/devices`);
    await phone.waitForSelector('html[data-live=on]');

    await laptop.goto(`${sample.url}/devices`);
    const landed = phone.waitForURL(`${sample.url}/login?signed-out=elsewhere`, {
      timeout: SIGNED_OUT_WITHIN_MS,
    });
    await Promise.all([
      laptop.waitForURL(`${sample.url}/devices`),
      laptop.click('text=Sign out everywhere else'),
    ]);
    await landed;
    expect(await phone.textContent('.notice')).toBe('You were signed out from another device.');
    expect(await laptop.textContent('.notice')).toBe('Signed out 1 other session.');
  });

  it('"Sign out everywhere else" signs the other device out, not this one', async () => {
    const [laptop, phone] = await Promise.all([newDevice(), newDevice(IPHONE)]);
    await signIn(laptop);
    await signIn(phone);

    await laptop.goto(`${sample.url}/devices`);
    await Promise.all([
      laptop.waitForURL(`${sample.url}/devices`),
      laptop.click('text=Sign out everywhere else'),
    ]);
    expect(await laptop.textContent('.notice')).toBe('Signed out 1 other session.');

    await phone.goto(`${sample.url}/devices`);
    expect(phone.url()).toBe(`${sample.url}/login`);
    await laptop.goto(`${sample.url}/account`);
    expect(await laptop.textContent('h1')).toBe('Hello, alice');
  });

  it('refuses forged posts: a form stripped of its CSRF token, a form on another site', async () => {
    const [laptop, phone] = await Promise.all([newDevice(), newDevice(IPHONE)]);
    await signIn(laptop);
    await signIn(phone);
    await laptop.goto(`${sample.url}/devices`);
    const fields = laptop.locator('[name=_csrf]');
    await fields.evaluateAll((found: { remove(): void }[]) => found.forEach((f) => f.remove()));
    const [stripped] = await Promise.all([
      laptop.waitForResponse((r) => r.url() === `${sample.url}/devices/revoke-others`),
      laptop.click('text=Sign out everywhere else'),
    ]);
    expect(stripped.status()).toBe(403);
    expect(await laptop.textContent('body')).toContain('CSRF check failed');

    // Same host, other port: the same *site*, so the SameSite=Lax cookie goes along.
    const evil = await serveForgery(`${sample.url}/devices/revoke-others`);
    try {
      await laptop.goto(evil.url);
      const [forged] = await Promise.all([
        laptop.waitForResponse((r) => r.url() === `${sample.url}/devices/revoke-others`),
        laptop.click('button'),
      ]);
      expect(forged.status()).toBe(403);
      expect((await forged.request().allHeaders()).cookie).toMatch(/^sid=/);
    } finally {
      evil.server.close();
    }
    for (const device of [laptop, phone]) {
      await device.goto(`${sample.url}/account`);
      expect(await device.textContent('h1')).toBe('Hello, alice');
    }
  });
});

/** A page on another loopback port with a form that posts to `action` without a token. */
async function serveForgery(action: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_, response) => {
    response.setHeader('Content-Type', 'text/html');
    response.end(`<form method="post" action="${action}"><button>Win a prize</button></form>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}
