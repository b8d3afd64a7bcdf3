import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { orgService } from '@gridwork/org-service/definition';
import { generateOrgWorld, idNumberOf, memberNumberOf } from '../org-world.js';

const KEYS = {
  ORG_PII_KEYS: 'gen-1:Z2VuZXJhdG9yLXRlc3Qta2V5LW5vdC1mb3ItdXNlISE=',
  ORG_PII_CURRENT_KEY: 'gen-1',
  ORG_PII_HASH_KEY: 'Z2VuZXJhdG9yLXRlc3QtaGFzaC1rZXktbm90LWZvciE=',
};

/**
 * The org world generator (tools/seed/org-world.ts, used by
 * `bench:org-scale`) at a small size against a real org service with the
 * same keys: what it wrote is read back through the service's own queries
 * over NATS, personal data included.
 */
describe('the org world generator', () => {
  let world: TestWorld;
  const size = { organizations: 3_200, members: 5_000, reportedIn: 700, seed: 3 };

  beforeAll(async () => {
    Object.assign(process.env, KEYS);
    world = await testWorld(['org']);
    await world.start(orgService, 'org');
    const db = new pg.Client({ connectionString: world.url('org') });
    await db.connect();
    try {
      await generateOrgWorld(db, size, KEYS, () => undefined);
    } finally {
      await db.end();
    }
  }, 180_000);
  afterAll(async () => {
    for (const key of Object.keys(KEYS)) delete process.env[key];
    await world?.dispose();
  });

  it('makes the tree and the members the service counts and finds, with the personal data it reads', async () => {
    const [root] = await world.query<{ id: string }>('org', `SELECT id FROM organization WHERE parent_id IS NULL`);
    const city = await world.client.request(subjects.org.organization.subtree, { id: root!.id });
    expect(city.organizations).toBe(size.organizations);
    expect(city.fullMembers + city.probationaryMembers).toBe(size.members);
    expect(city.byKind.find((k) => k.kind === 'committee')?.count).toBe(1 + 11 + 176 + 2_759);
    const children = await world.client.request(subjects.org.organization.children, { id: root!.id });
    expect(children.items).toHaveLength(11);
    const clerk = { id: 'clerk', personalData: true };
    const [found] = (await world.client.request(subjects.org.member.search, { idNumber: idNumberOf(4_321), viewer: clerk })).items;
    expect(found).toMatchObject({ number: memberNumberOf(4_321), idNumber: idNumberOf(4_321), masked: false });
    expect((await world.client.request(subjects.org.member.search, { number: memberNumberOf(0) })).items).toHaveLength(1);
    const byName = await world.client.request(subjects.org.member.search, { name: found!.name.slice(0, 2), limit: 200 });
    expect(byName.items.map((m) => m.id)).toContain(found!.id);
    // The trigger counts members again once the load is over.
    const branch = (await world.client.request(subjects.org.organization.path, { id: found!.organizationId })).items.at(-1)!;
    await world.client.request(subjects.org.member.register, {
      number: 'NEW-1', name: '新人', idNumber: '440106199901011234', organizationId: branch.id, status: 'probationary', joinedOn: '2026-01-05', actor: { id: 'a' },
    });
    expect((await world.client.request(subjects.org.organization.subtree, { id: root!.id })).probationaryMembers).toBe(city.probationaryMembers + 1);
    const [{ n }] = await world.query<{ n: number }>('org', `SELECT count(*)::int AS n FROM report_in`);
    expect(n).toBe(size.reportedIn);
  });
});
