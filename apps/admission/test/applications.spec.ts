import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, subjects, type SubmitApplicationRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { today } from '@gridwork/local-time';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '../src/admission.definition.js';
import { actor, errorOf, fieldsOf, item, seedAreas } from './fixtures/world.js';

/**
 * Applications (准入申请) as a department system and reviewers meet them over
 * NATS: submitting with people and money, review steps, reviewers' areas, two
 * reviewers at once, approval reaching the list's draft; and the
 * burden-reduction report and a community's display counted from it all.
 */
describe('applications', () => {
  let world: TestWorld;
  let housing: GridworkClient;
  let water: GridworkClient;
  const clerk = { id: 'housing-clerk', name: 'Clerk Chen' };
  const application = (overrides: Partial<SubmitApplicationRequest> = {}): SubmitApplicationRequest => ({
    itemCode: 'rent-survey',
    areaCode: 'M1',
    level: 'community',
    reason: 'Communities know which flats are let; the survey needs them every quarter.',
    resources: { headCount: 2, annualBudgetYuan: 120_000, fundedBy: 'applying-department' },
    actor: clerk,
    ...overrides,
  });
  const count = async (table: string) => (await world.query<{ n: number }>('admission', `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  beforeAll(async () => {
    world = await testWorld(['admission']);
    await world.start(admissionService, 'admission');
    await seedAreas(world);
    housing = new GridworkClient(world.nc, { department: 'housing', timeoutMs: 5_000 });
    water = new GridworkClient(world.nc, { department: 'water', timeoutMs: 5_000 });
    await world.client.request(subjects.admission.item.define, item('rent-survey', { department: 'housing' }));
    await world.client.request(subjects.admission.item.define, item('meter-reading', { department: 'water' }));
    await world.client.request(subjects.admission.item.define, item('fee-collection', { department: 'water' }));
    await world.client.request(subjects.admission.item.define, item('cert-residence', { kind: 'certificate', department: 'public-security', levels: ['community'] }));
    await world.client.request(subjects.admission.item.define, item('plate-party-home', { kind: 'nameplate', department: 'organization', levels: ['community'] }));
    await world.client.request(subjects.admission.item.define, item('plate-elsewhere', { kind: 'nameplate', department: 'organization', levels: ['community'] }));
    // The city will never push fee collection down.
    await world.client.request(subjects.admission.list.editDraft, { areaCode: 'C', kind: 'negative', put: [{ itemCode: 'fee-collection' }], actor });
    await world.client.request(subjects.admission.list.publish, { areaCode: 'C', kind: 'negative', effectiveOn: today(), actor });
    await world.client.request(subjects.admission.reviewer.appoint, { id: 'rev-d1', name: 'Reviewer Li', areaCode: 'D1', actor });
    await world.client.request(subjects.admission.reviewer.appoint, { id: 'rev-d1b', name: 'Reviewer Zhou', areaCode: 'D1', actor });
    await world.client.request(subjects.admission.reviewer.appoint, { id: 'rev-d2', name: 'Reviewer Wu', areaCode: 'D2', actor });
  });
  afterAll(() => world?.dispose());

  it('takes a department’s application through return, resubmission and approval, onto the list’s draft', async () => {
    const submitted = await housing.request(subjects.admission.application.submit, application());
    expect(submitted).toMatchObject({ state: 'submitted', department: 'housing', round: 1, itemName: 'Item rent-survey', resources: { headCount: 2, annualBudgetYuan: 120_000 } });
    const { id } = submitted;
    await world.client.request(subjects.admission.application.startReview, { id, reviewerId: 'rev-d1' });
    const returned = await world.client.request(subjects.admission.application.return, { id, reviewerId: 'rev-d1', reason: 'Say who pays after the first year.' });
    expect(returned.state).toBe('returned');
    const resubmitted = await housing.request(subjects.admission.application.resubmit, {
      id,
      reason: 'The district pays from the second year.',
      resources: { headCount: 2, annualBudgetYuan: 150_000, fundedBy: 'district-finance' },
      actor: clerk,
    });
    expect(resubmitted).toMatchObject({ state: 'resubmitted', round: 2, resources: { annualBudgetYuan: 150_000, fundedBy: 'district-finance' } });
    await world.client.request(subjects.admission.application.startReview, { id, reviewerId: 'rev-d1b' });
    const approved = await world.client.request(subjects.admission.application.approve, { id, reviewerId: 'rev-d1b', reason: 'People and money follow the task.' });
    expect(approved.state).toBe('approved');
    expect(approved.history.map((h) => [h.action, h.state, h.by])).toEqual([
      ['submit', 'submitted', 'housing-clerk'],
      ['start-review', 'under-review', 'rev-d1'],
      ['return', 'returned', 'rev-d1'],
      ['resubmit', 'resubmitted', 'housing-clerk'],
      ['start-review', 'under-review', 'rev-d1b'],
      ['approve', 'approved', 'rev-d1b'],
    ]);
    expect(approved.history[5]).toMatchObject({ byName: 'Reviewer Zhou', reason: 'People and money follow the task.' });
    const draft = await world.client.request(subjects.admission.list.get, { areaCode: 'M1', kind: 'admitted', level: 'community', draft: true });
    expect(draft.entries).toEqual([{ itemCode: 'rent-survey', itemName: 'Item rent-survey', admitted: true, note: `approved application ${id}` }]);
    // Decisions are announced; taking it up is not a decision.
    const decided = await world.query<{ action: string }>('admission', `SELECT payload->'decision'->>'action' AS action FROM outbox WHERE subject = $1 ORDER BY created_at`, [
      subjects.admission.application.decided.subject,
    ]);
    expect(decided.map((d) => d.action)).toEqual(['return', 'approve']);
  });

  it('lets only reviewers of the area or above decide, and a department see only its own', async () => {
    const { id } = await water.request(subjects.admission.application.submit, application({ itemCode: 'meter-reading', areaCode: 'M2', level: 'grid' }));
    const outside = await errorOf(world.client.request(subjects.admission.application.startReview, { id, reviewerId: 'rev-d2' }));
    expect(outside?.code).toBe(ErrorCode.FORBIDDEN);
    expect(outside?.message).toMatch(/decides applications of D2 and below, not of M2/);
    expect((await errorOf(world.client.request(subjects.admission.application.startReview, { id, reviewerId: 'nobody' })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await errorOf(housing.request(subjects.admission.application.get, { id })))?.code).toBe(ErrorCode.FORBIDDEN);
    expect((await water.request(subjects.admission.application.get, { id })).itemCode).toBe('meter-reading');
    const mine = await housing.request(subjects.admission.application.list, {});
    expect(mine.items.map((a) => a.department)).toEqual(['housing']);
    const inD1 = await world.client.request(subjects.admission.application.list, { areaCode: 'D1' });
    expect(inD1.items.map((a) => a.itemCode).sort()).toEqual(['meter-reading', 'rent-survey']);
    expect((await world.client.request(subjects.admission.application.list, { areaCode: 'D2' })).items).toEqual([]);
  });

  it('makes one decision when two reviewers decide at once; the other gets CONFLICT', async () => {
    const { id } = await housing.request(subjects.admission.application.submit, application({ areaCode: 'M2' }));
    await world.client.request(subjects.admission.application.startReview, { id, reviewerId: 'rev-d1' });
    const results = await Promise.allSettled([
      world.client.request(subjects.admission.application.approve, { id, reviewerId: 'rev-d1', reason: 'Approved by Li.' }),
      world.client.request(subjects.admission.application.refuse, { id, reviewerId: 'rev-d1b', reason: 'Refused by Zhou.' }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((r) => r.reason.code)).toEqual([ErrorCode.CONFLICT]);
    const final = await world.client.request(subjects.admission.application.get, { id });
    expect(final.history.filter((h) => h.action === 'approve' || h.action === 'refuse')).toHaveLength(1);
  });

  it('refuses an item on the negative list with the reason, a duplicate open one, and bad requests naming each field', async () => {
    const before = await count('application');
    const banned = await errorOf(water.request(subjects.admission.application.submit, application({ itemCode: 'fee-collection' })));
    expect(banned?.code).toBe(ErrorCode.NOT_ADMITTED);
    expect(banned?.message).toMatch(/negative list of C/);
    expect(fieldsOf(banned)).toEqual(['itemCode']);
    await water.request(subjects.admission.application.submit, application({ itemCode: 'meter-reading', areaCode: 'M3', level: 'grid' }));
    const twice = await errorOf(water.request(subjects.admission.application.submit, application({ itemCode: 'meter-reading', areaCode: 'M3', level: 'grid' })));
    expect(twice?.code).toBe(ErrorCode.CONFLICT);
    const bad = await errorOf(
      world.client.request(subjects.admission.application.submit, {
        itemCode: 'x y',
        areaCode: '',
        level: 'street' as never,
        reason: 'short',
        resources: { headCount: -1, annualBudgetYuan: 1.5, fundedBy: 'someone' as never },
        actor: clerk,
      }),
    );
    expect(fieldsOf(bad)).toEqual(['areaCode', 'itemCode', 'level', 'reason', 'resources.annualBudgetYuan', 'resources.fundedBy', 'resources.headCount']);
    // Entered by the office, the department must be named; a department system's subject names it.
    expect(fieldsOf(await errorOf(world.client.request(subjects.admission.application.submit, application({ areaCode: 'M3' }))))).toEqual(['department']);
    expect(fieldsOf(await errorOf(housing.request(subjects.admission.application.submit, application({ areaCode: 'M3', department: 'water' }))))).toEqual(['department']);
    expect((await errorOf(housing.request(subjects.admission.application.submit, application({ areaCode: 'NOWHERE' }))))?.code).toBe(ErrorCode.NOT_FOUND);
    expect(fieldsOf(await errorOf(housing.request(subjects.admission.application.submit, application({ areaCode: 'G11' }))))).toEqual(['areaCode']);
    expect(await count('application')).toBe(before + 1);
  });

  it('counts the burden-reduction figures per area and period, and what a community may display', async () => {
    // Publishing M1's draft puts rent-survey in force; a later version drops it again.
    await world.client.request(subjects.admission.list.publish, { areaCode: 'M1', kind: 'admitted', level: 'community', effectiveOn: today(), actor });
    await world.client.request(subjects.admission.list.editDraft, {
      areaCode: 'M1',
      kind: 'admitted',
      level: 'community',
      remove: ['rent-survey'],
      put: [{ itemCode: 'cert-residence' }, { itemCode: 'plate-party-home' }],
      actor,
    });
    await world.client.request(subjects.admission.list.publish, { areaCode: 'M1', kind: 'admitted', level: 'community', effectiveOn: today(), actor });
    await world.client.request(subjects.admission.list.editDraft, { areaCode: 'M3', kind: 'admitted', level: 'community', put: [{ itemCode: 'plate-elsewhere' }], actor });
    await world.client.request(subjects.admission.list.publish, { areaCode: 'M3', kind: 'admitted', level: 'community', effectiveOn: today(), actor });
    const report = await world.client.request(subjects.admission.report.burden, { areaCode: 'C', from: today(), to: today() });
    // Submitted: rent-survey M1, meter-reading M2, rent-survey M2, meter-reading M3 (the refused and invalid ones were not stored).
    expect(report).toMatchObject({
      applicationsReceived: 4,
      applicationsReturned: 1,
      itemsRemoved: 1,
      pushesRefused: 0,
    });
    // rent-survey in M1 was approved; the race in M2 was either approved or refused.
    expect(report.applicationsApproved).toBeGreaterThanOrEqual(1);
    expect(report.applicationsApproved + report.applicationsRefused).toBe(2);
    expect(report.byChildArea.map((a) => [a.areaCode, a.applicationsReceived, a.itemsRemoved])).toEqual([
      ['D1', 3, 1],
      ['D2', 1, 0],
    ]);
    const elsewhere = await world.client.request(subjects.admission.report.burden, { areaCode: 'D2', from: '2020-01-01', to: '2020-12-31' });
    expect(elsewhere.applicationsReceived).toBe(0);
    expect(fieldsOf(await errorOf(world.client.request(subjects.admission.report.burden, { areaCode: 'C', from: today(), to: '2000-01-01' })))).toEqual(['to']);
    const display = await world.client.request(subjects.admission.report.display, { communityCode: 'M1' });
    expect(display.certificates.map((c) => c.itemCode)).toEqual(['cert-residence']);
    expect(display.nameplates.map((c) => c.itemCode)).toEqual(['plate-party-home']);
    expect((await world.client.request(subjects.admission.report.display, { communityCode: 'M3' })).nameplates.map((c) => c.itemCode)).toEqual(['plate-elsewhere']);
    expect(fieldsOf(await errorOf(world.client.request(subjects.admission.report.display, { communityCode: 'T1' })))).toEqual(['communityCode']);
  });
});
