import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { subjects } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { waitFor } from '@gridwork/testing';
import { admissionService } from '@gridwork/admission-service/definition';
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
 * opens it, claims and resolves it, and signs out; a district's area admin
 * reads the live board and registers a worker; a reviewer takes an
 * admission application through review; a platform admin creates an
 * account and finds it in the audit record. The page's content security
 * policy lets nothing but its own files run.
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
    world = await testWorld(['grid', 'dispatch', 'admission', 'gateway']);
    await world.start(dispatchService, 'dispatch');
    await world.start(admissionService, 'admission');
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
    await http.post('/admin/accounts', { username: 'zhou', displayName: 'Area admin Zhou', password: PASSWORD, grants: [{ role: 'area-admin', areaCode: 'T01' }] }, admin);
    const reviewer = await http.post('/admin/accounts', { username: 'qian', displayName: 'Reviewer Qian', password: PASSWORD, grants: [{ role: 'reviewer', areaCode: 'T01' }] }, admin);
    // An application for the reviewer: the housing department applies for an item in a community of T01.
    await waitFor('areas in admission', async () => {
      const [row] = await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM known_area WHERE code = 'T010101'`);
      return row!.n === 1 || undefined;
    });
    await world.client.request(subjects.admission.item.define, { code: 'flat-census', name: 'Flat census', department: 'housing', legalBasis: 'Housing regulation, art. 3', kind: 'community-work', levels: ['community'], actor: { id: 'office', name: 'Office' } });
    await world.client.request(subjects.admission.reviewer.appoint, { id: reviewer.body.id, name: 'Reviewer Qian', areaCode: 'T01', actor: { id: 'office', name: 'Office' } });
    await new GridworkClient(world.nc, { department: 'housing' }).request(subjects.admission.application.submit, {
      itemCode: 'flat-census',
      areaCode: 'T010101',
      level: 'community',
      reason: 'Communities know which flats are let.',
      resources: { headCount: 1, annualBudgetYuan: 50_000, fundedBy: 'applying-department' },
      actor: { id: 'housing-clerk', name: 'Housing clerk' },
    });
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

  const signIn = async (username: string, password = PASSWORD) => {
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#nav:not([hidden])');
  };
  /** The pages the nav offers the signed-in person. */
  const visibleViews = () => page.$$eval('nav button:not([hidden])', (buttons) => buttons.map((b) => (b as HTMLElement).dataset.view));

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

  it('signs out, and the signed-out page holds no token', async () => {
    await page.click('#back');
    await page.waitForSelector('#queue:not([hidden])');
    // A dispatcher's pages: the cases and the board, nothing of admins or reviewers.
    expect(await visibleViews()).toEqual(['queue', 'board']);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    // Signed out, the API refuses the old token (the page keeps none).
    expect(await page.evaluate(() => fetch('/dispatch/cases').then((r) => r.status))).toBe(401);
  });

  it("shows an area admin the district's live board, and registers a worker in its community", async () => {
    await signIn('zhou');
    expect(await visibleViews()).toEqual(['queue', 'board', 'workers', 'applications']);
    await page.click('nav button[data-view=board]');
    await page.waitForSelector('#board:not([hidden])');
    expect(await page.inputValue('#board-form input[name=areaCode]')).toBe('T01');
    // The resolved case is still open (it waits for its callback), in the district's one township.
    await page.locator('#board-total', { hasText: /1 open/ }).waitFor();
    expect(await page.locator('#board-areas tbody tr').allTextContents()).toEqual([expect.stringMatching(/^Township.*\(T0101\)1/)]);

    await page.click('nav button[data-view=workers]');
    await page.waitForSelector('#workers:not([hidden])');
    await page.fill('#register-worker input[name=name]', '孙<i>丽</i>');
    await page.fill('#register-worker input[name=communityCode]', 'T010101');
    await page.fill('#register-worker input[name=phone]', '13900001111');
    await page.click('#register-worker button[type=submit]');
    await page.locator('#message', { hasText: 'Registered 孙<i>丽</i>' }).waitFor();
    const row = page.locator('#worker-list tbody tr', { hasText: '孙<i>丽</i>' });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['孙<i>丽</i>', 'full-time', 'T010101', expect.stringMatching(/^\d{4}-\d\d-\d\d$/), '13900001111']);
    expect(await page.locator('#worker-list i').count()).toBe(0);
    // Outside the district, the gateway refuses and the page says why.
    await page.fill('#register-worker input[name=name]', 'Nobody');
    await page.fill('#register-worker input[name=communityCode]', 'T9');
    await page.click('#register-worker button[type=submit]');
    await page.locator('#message', { hasText: /outside zhou's area|not known to the grid service/ }).waitFor();
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
  });

  it('takes an admission application through review as the signed-in reviewer', async () => {
    await signIn('qian');
    expect(await visibleViews()).toEqual(['applications']);
    await page.waitForSelector('#applications:not([hidden])');
    const row = page.locator('#application-list tbody tr', { hasText: 'flat-census' });
    await row.waitFor();
    expect(await row.locator('td').nth(4).textContent()).toBe('submitted');
    await row.locator('button[data-action=start-review]').click();
    await row.locator('td', { hasText: /^under-review$/ }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('People and money come with it.'));
    await row.locator('button[data-action=approve]').click();
    await row.locator('td', { hasText: /^approved$/ }).waitFor();
    expect(await row.locator('button').count()).toBe(0);
    const [stored] = (await world.client.request(subjects.admission.application.list, { state: 'approved' })).items;
    expect(stored).toMatchObject({ itemCode: 'flat-census', state: 'approved' });
    expect(JSON.stringify(stored)).toContain('People and money come with it.');
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
  });

  it('lets a platform admin create an account and find it in the audit record', async () => {
    await signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD);
    expect(await visibleViews()).toEqual(['queue', 'board', 'workers', 'applications', 'accounts', 'audit']);
    await page.click('nav button[data-view=accounts]');
    await page.waitForSelector('#accounts:not([hidden])');
    expect(await page.locator('#account-list tbody tr', { hasText: 'zhou' }).locator('td').nth(2).textContent()).toBe('area-admin T01');
    await page.fill('#create-account input[name=username]', 'wu');
    await page.fill('#create-account input[name=displayName]', 'Operator Wu');
    await page.fill('#create-account input[name=password]', PASSWORD);
    await page.selectOption('#create-account select[name=role]', 'operator');
    await page.click('#create-account button[type=submit]');
    await page.locator('#message', { hasText: 'Created wu' }).waitFor();
    await page.locator('#account-list tbody tr', { hasText: 'Operator Wu' }).waitFor();
    // A wrong one is refused with each wrong field named.
    await page.fill('#create-account input[name=username]', 'x y');
    await page.fill('#create-account input[name=displayName]', 'Someone');
    await page.fill('#create-account input[name=password]', 'short');
    await page.click('#create-account button[type=submit]');
    await page.locator('#message', { hasText: /username.*password|password.*username/ }).waitFor();

    await page.click('nav button[data-view=audit]');
    await page.waitForSelector('#audit:not([hidden])');
    await page.fill('#audit-form input[name=route]', '/admin/accounts');
    await page.fill('#audit-form input[name=status]', '201');
    await page.click('#audit-form button[type=submit]');
    // The search replaces the page's first, unfiltered list: the three set-up accounts and wu, newest first.
    const rows = page.locator('#audit-list tbody tr');
    await expect.poll(async () => (await rows.locator('td:nth-child(4)').allTextContents()).join(' '), { timeout: 10_000 }).toBe(Array(4).fill('/admin/accounts').join(' '));
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(Array(4).fill(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME));
    expect(await rows.locator('td:nth-child(5)').allTextContents()).toEqual(Array(4).fill('201'));
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
  });

  it('loads nothing but its own files, without an error', async () => {
    const csp = (await page.request.get(`${base}/console`)).headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'/);
    expect(problems.filter((p) => !p.includes('401') && !p.includes('403') && !p.includes('400'))).toEqual([]);
  });
});
