import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient } from '@gridwork/gateway-service/test-fixtures';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

const PASSWORD = 'a long enough passphrase';
/** Debian's chromium, as .ci/run installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The web console in a real browser (Debian's chromium driven by
 * playwright-core): a district dispatcher signs in, finds a case in the list,
 * opens it, claims and resolves it, and signs out; the page's content
 * security policy lets nothing but its own files run.
 */
describe('gateway: the web console in a browser', () => {
  let world: TestWorld;
  let base: string;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  const problems: string[] = [];
  let caseNumber: string;

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'gateway']);
    await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    await world.client.request(subjects.dispatch.category.define, {
      code: 'roads',
      name: 'Roads',
      responsible: { kind: 'level', level: 'community' },
      acceptHours: 2,
      completeHours: 48,
      hoursKind: 'calendar',
    });
    Object.assign(process.env, GATEWAY_ENV);
    base = await baseUrlOf(await world.start(gatewayService, 'gateway'));
    const http = httpClient(base);
    const admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    await http.post('/admin/accounts', { username: 'li', displayName: 'Dispatcher Li', password: PASSWORD, grants: [{ role: 'dispatcher', areaCode: 'T01' }] }, admin);
    const { case: c } = await world.client.request(subjects.dispatch.case.report, {
      idempotencyKey: 'console-1',
      channel: 'hotline-12345',
      categoryCode: 'roads',
      description: 'A <b>pothole</b> by the school gate',
      location: { longitude: 113.005, latitude: 23.01 },
    });
    caseNumber = c.number;

    profile = mkdtempSync(join(tmpdir(), 'gridwork-chromium-'));
    // A fresh profile of its own (playwright's persistent context takes the folder).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await world?.dispose();
  });

  it('signs in, refusing a wrong password with the reason', async () => {
    await page.goto(`${base}/console`);
    await page.fill('input[name=username]', 'li');
    await page.fill('input[name=password]', 'not the password');
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#message:not([hidden])');
    expect(await page.textContent('#message')).toBe('wrong username or password');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#queue:not([hidden])');
    expect(await page.textContent('#who')).toBe('Dispatcher Li');
  });

  it('lists the district’s cases and opens one, with its text shown as text', async () => {
    const row = page.locator('#cases tbody tr', { hasText: caseNumber });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('assigned');
    await row.click();
    await page.waitForSelector('#case:not([hidden])');
    expect(await page.textContent('#case-title')).toBe(`Case ${caseNumber}`);
    // The description is shown as the reporter typed it, never run as HTML.
    expect(await page.textContent('[data-fact=description]')).toBe('A <b>pothole</b> by the school gate');
    expect(await page.locator('#case-facts b').count()).toBe(0);
    expect(await page.textContent('#timeline')).toContain('report');
  });

  it('claims and resolves the case from its page, as the signed-in dispatcher', async () => {
    await page.click('button[data-action=claim]');
    await page.locator('[data-fact=state]', { hasText: /^in-progress$/ }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('Filled and rolled'));
    await page.click('button[data-action=resolve]');
    await page.locator('[data-fact=state]', { hasText: /^resolved$/ }).waitFor();
    const timeline = await page.textContent('#timeline');
    expect(timeline).toContain('claim · Dispatcher Li');
    expect(timeline).toContain('resolve · Dispatcher Li · Filled and rolled');
    // In dispatch too, with the signed-in person as the actor.
    const stored = await world.client.request(subjects.dispatch.case.get, { idOrNumber: caseNumber });
    expect(stored.state).toBe('resolved');
    expect(stored.timeline.at(-1)).toMatchObject({ action: 'resolve', actorKind: 'operator', actorName: 'Dispatcher Li' });
  });

  it('signs out, and loads nothing but its own files without an error', async () => {
    await page.click('#back');
    await page.waitForSelector('#queue:not([hidden])');
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    // Signed out, the API refuses the old token (the page keeps none).
    expect(await page.evaluate(() => fetch('/dispatch/cases').then((r) => r.status))).toBe(401);
    const csp = (await page.request.get(`${base}/console`)).headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'/);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
