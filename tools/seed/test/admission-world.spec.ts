import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, type GateAsk, type GateReason, type Item, type ListVersionSummary } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { admissionService } from '@gridwork/admission-service/definition';
import { gridService } from '@gridwork/grid-service/definition';
import { dayFromToday, generateAdmissionWorld, planAdmissionWorld, type AdmissionWorld, type AdmissionWorldSummary } from '../admission-world.js';

/**
 * The admission world generator (tools/seed/admission-world.ts, used by
 * `seed:admission` and `bench:admission-gate`) at a tiny size against real
 * grid and admission services: what it made is read back through the
 * services' own queries over NATS and compared with its plan.
 */
describe('the admission world generator', () => {
  let world: TestWorld;
  let plan: AdmissionWorld;
  let summary: AdmissionWorldSummary;
  const options = { areas: 40, items: 60, seed: 7, cityCode: '4498' };

  beforeAll(async () => {
    world = await testWorld(['grid', 'admission']);
    await world.start(gridService, 'grid');
    await world.start(admissionService, 'admission');
    plan = planAdmissionWorld(options);
    summary = await generateAdmissionWorld(world.nc, { ...options, concurrency: 8, log: () => undefined });
  }, 180_000);
  afterAll(() => world?.dispose());

  it('puts the area tree into the grid service, every level tiling the one above', async () => {
    expect(summary.areas).toEqual({ city: 1, district: 1, township: 1, community: 6, grid: 31 });
    for (const area of plan.areas) {
      const stored = await world.client.request(subjects.grid.area.get, { code: area.code });
      expect(stored).toMatchObject({ code: area.code, level: area.level });
      expect(stored.parentCode).toBe(area.parentCode);
    }
    const coverage = await world.client.request(subjects.grid.grid.checkCoverage, { communityCode: plan.areas.find((a) => a.level === 'community')!.code });
    expect(coverage.overlaps).toEqual([]);
  });

  it('defines every item of the catalogue and withdraws the planned ones from their day', async () => {
    const items: Item[] = [];
    let after: string | undefined;
    do {
      const page = await world.client.request(subjects.admission.item.list, { withdrawn: true, limit: 500, ...(after ? { after } : {}) });
      items.push(...page.items);
      after = page.nextAfter;
    } while (after);
    expect(items.map((i) => i.code).sort()).toEqual(plan.items.map((i) => i.code).sort());
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['community-work', 'assisting-government', 'certificate', 'nameplate', 'grid']));
    const withdrawn = items.filter((i) => i.withdrawnOn);
    expect(withdrawn.map((i) => [i.code, i.withdrawnOn]).sort()).toEqual([...plan.withdrawals].map(([code, days]) => [code, dayFromToday(days)]).sort());
    expect(summary.withdrawn).toBe(withdrawn.length);
  });

  it('publishes every list as planned, later versions from later days, drafts left unpublished', async () => {
    let published = 0;
    let later = 0;
    let drafts = 0;
    let entries = 0;
    for (const list of plan.lists) {
      const { versions } = await world.client.request(subjects.admission.list.versions, list.key);
      const planned = list.versions.map((v, i) => ({ number: i + 1, state: v.publishInDays === undefined ? 'draft' : 'published', effectiveOn: v.publishInDays === undefined ? undefined : dayFromToday(v.publishInDays) }));
      expect([...versions].reverse().map((v: ListVersionSummary) => ({ number: v.number, state: v.state, effectiveOn: v.effectiveOn }))).toEqual(planned);
      // The latest published version holds exactly what the plan put and removed, in order.
      const held = new Map<string, boolean>();
      for (const version of list.versions.filter((v) => v.publishInDays !== undefined)) {
        for (const code of version.remove) held.delete(code);
        for (const entry of version.put) held.set(entry.itemCode, list.key.kind === 'negative' ? false : (entry.admitted ?? true));
      }
      const latest = versions.find((v) => v.state === 'published')!;
      const stored = await world.client.request(subjects.admission.list.get, { ...list.key, version: latest.number });
      expect(new Map(stored.entries.map((e) => [e.itemCode, e.admitted]))).toEqual(held);
      for (const v of versions) {
        if (v.state === 'draft') drafts++;
        else {
          published++;
          entries += v.entryCount;
          if (v.effectiveOn! > dayFromToday(0)) later++;
        }
      }
    }
    expect(summary.versions).toEqual({ published, inForceLater: later, drafts });
    expect(summary.entries).toBe(entries);
    expect(later).toBeGreaterThan(0);
    expect(drafts).toBeGreaterThan(0);
    expect(summary.lists.negative).toBeGreaterThan(0);
  });

  it('makes a world the gate answers every way in, for every area it made', async () => {
    const listed = [...new Set(plan.lists.flatMap((l) => l.versions.flatMap((v) => v.put.map((e) => e.itemCode))))];
    const asks: GateAsk[] = [];
    for (const area of plan.areas) {
      for (const itemCode of listed) {
        for (const on of [dayFromToday(0), dayFromToday(200)]) asks.push({ itemCode, level: area.level === 'grid' ? 'grid' : 'community', areaCode: area.code, on });
      }
    }
    const reasons = new Set<GateReason | 'admitted'>();
    for (let start = 0; start < asks.length; start += 500) {
      const { answers } = await world.client.request(subjects.admission.gate.checkBatch, { asks: asks.slice(start, start + 500) });
      for (const answer of answers) reasons.add(answer.reason ?? 'admitted');
    }
    expect(reasons.has('unknown-area')).toBe(false);
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['absent', 'admitted', 'excluded', 'negative-list', 'not-yet-in-force', 'withdrawn']));
  });
});
