import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { PersonalDataCipher, type PersonalDataConfig } from '@gridwork/org-service/personal-data';
import { newId } from '@gridwork/persistence';
import { pick, randInt, rngFor, type Rng } from './random.js';

/*
 * The org service's world at a city's scale, written straight into its
 * database (the service's own tables, after its migrations ran): a million
 * members through a million requests would take the better part of an hour.
 * Personal data is encrypted with the service's cipher and keys, so the
 * service reads it as its own. The tree:
 *
 *   city committee ─ 11 district committees ─ 176 township committees
 *     ─ 2,759 community committees ─ branches (the rest of ORGANIZATIONS,
 *       a tenth of them general branches with branches below), typed and
 *       set up at random, with members spread over the branches;
 *   and REPORTED_IN of the members reported in to a community (双报到).
 *
 * The member_count trigger is off while members are loaded and the counts
 * are written once at the end (a row-level upsert per member would take
 * most of the load's time); the name trigram index is built after the load,
 * and the whole database is vacuumed and analyzed.
 */

export interface OrgWorldSize {
  organizations: number;
  members: number;
  reportedIn: number;
  seed: number;
}

const DISTRICTS = 11;
const TOWNSHIPS = 176;
const COMMUNITIES = 2_759;
const CITY = 'GZ';
const TYPES = ['village', 'community', 'agency', 'state-enterprise', 'non-public-enterprise', 'social-organization', 'new-employment'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强晓东海波文斌宇浩然欣怡子涵梓轩一诺思远嘉怡雨婷俊杰晨阳佳琪'.split('');
const BATCH = 10_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A name of two or three characters. */
const nameOf = (rng: Rng) => pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.6 ? pick(rng, GIVEN) : '');

/** A well-formed, unique identity card number for member `i`: region, birth date (1950 on), sequence, check digit. */
function idNumberOf(i: number): string {
  const born = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 1_000) * 86_400_000 * 18);
  const body = `440106${born.toISOString().slice(0, 10).replace(/-/g, '')}${pad(i % 1_000, 3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, k) => s + Number(c) * weights[k]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

/** The member number the generator gives member `i`. */
export const memberNumberOf = (i: number) => `GZ${pad(i, 8)}`;
export { idNumberOf };

export async function generateOrgWorld(db: pg.Client, size: OrgWorldSize, keys: PersonalDataConfig, log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const rng = rngFor(size.seed, 'org-world');
  const cipher = new PersonalDataCipher(keys);

  // Areas: the org service's copy of grid's tree.
  const areas: { code: string; level: string; parent: string | null; path: string[] }[] = [{ code: CITY, level: 'city', parent: null, path: [CITY] }];
  const districts = Array.from({ length: DISTRICTS }, (_, d) => ({ code: `${CITY}-${pad(d + 1, 2)}`, level: 'district', parent: CITY, path: [CITY, `${CITY}-${pad(d + 1, 2)}`] }));
  const townships = Array.from({ length: TOWNSHIPS }, (_, t) => {
    const district = districts[t % DISTRICTS]!;
    const code = `${district.code}-${pad(t + 1, 3)}`;
    return { code, level: 'township', parent: district.code, path: [...district.path, code] };
  });
  const communities = Array.from({ length: COMMUNITIES }, (_, c) => {
    const township = townships[c % TOWNSHIPS]!;
    const code = `${township.code}-${pad(c + 1, 4)}`;
    return { code, level: 'community', parent: township.code, path: [...township.path, code] };
  });
  areas.push(...districts, ...townships, ...communities);
  await db.query(
    `INSERT INTO known_area (code, name, level, parent_code, path)
     SELECT code, 'Area ' || code, level, parent, string_to_array(path, ',') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS a(code, level, parent, path)`,
    [areas.map((a) => a.code), areas.map((a) => a.level), areas.map((a) => a.parent), areas.map((a) => a.path.join(','))],
  );

  // Organizations, parents before children, each with its ltree path of labels.
  interface Org { id: string; label: number; name: string; kind: string; type: string; area: (typeof areas)[number]; parent?: Org; path: string }
  const orgs: Org[] = [];
  const add = (kind: string, type: string, area: (typeof areas)[number], name: string, parent?: Org): Org => {
    const label = orgs.length + 1;
    const org: Org = { id: newId(), label, name, kind, type, area, parent, path: parent ? `${parent.path}.${label}` : String(label) };
    orgs.push(org);
    return org;
  };
  const city = add('committee', 'agency', areas[0]!, '市委');
  const districtOrgs = districts.map((d) => add('committee', 'agency', d, `${d.code}区委`, city));
  const townshipOrgs = townships.map((t, i) => add('committee', 'agency', t, `${t.code}街道党工委`, districtOrgs[i % DISTRICTS]));
  const communityOrgs = communities.map((c, i) => add('committee', 'community', c, `${c.code}社区党委`, townshipOrgs[i % TOWNSHIPS]));
  const branches: Org[] = [];
  for (let n = 0; orgs.length < size.organizations; n++) {
    const community = communityOrgs[n % COMMUNITIES]!;
    const type = rng() < 0.4 ? 'community' : pick(rng, TYPES);
    if (rng() < 0.1 && orgs.length + 2 <= size.organizations) {
      const general = add('general-branch', type, community.area, `${community.area.code}第${n}党总支`, community);
      branches.push(add('branch', type, community.area, `${community.area.code}第${n}党支部`, general));
    } else {
      branches.push(add('branch', type, community.area, `${community.area.code}第${n}党支部`, community));
    }
  }
  for (let start = 0; start < orgs.length; start += BATCH) {
    const chunk = orgs.slice(start, start + BATCH);
    await db.query(
      `INSERT INTO organization (id, label, name, kind, type, area_code, area_path, parent_id, path, setup, created_by)
       SELECT id, label, name, kind, type, area_code, string_to_array(area_path, ','), parent_id, text2ltree(path), 'standalone', 'generator'
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[])
           AS o(id, label, name, kind, type, area_code, area_path, parent_id, path)`,
      [
        chunk.map((o) => o.id),
        chunk.map((o) => o.label),
        chunk.map((o) => o.name),
        chunk.map((o) => o.kind),
        chunk.map((o) => o.type),
        chunk.map((o) => o.area.code),
        chunk.map((o) => o.area.path.join(',')),
        chunk.map((o) => o.parent?.id ?? null),
        chunk.map((o) => o.path),
      ],
    );
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('organization', 'label'), $1)`, [orgs.length]);
  log(`generated ${orgs.length} organizations (${branches.length} branches) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Members over the branches, personal data sealed as the service seals it.
  await db.query(`ALTER TABLE member DISABLE TRIGGER member_count_track`);
  await db.query(`DROP INDEX IF EXISTS member_name_trgm_idx`);
  const t1 = performance.now();
  for (let start = 0; start < size.members; start += BATCH) {
    const n = Math.min(BATCH, size.members - start);
    const ids: string[] = [], numbers: string[] = [], names: string[] = [], idEnc: string[] = [], idHash: Buffer[] = [], phones: string[] = [], orgIds: string[] = [], statuses: string[] = [], joined: string[] = [], due: (string | null)[] = [], converted: (string | null)[] = [];
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const id = newId();
      const idNumber = idNumberOf(i);
      const probationary = rng() < 0.04;
      const year = probationary ? 2026 : randInt(rng, 1970, 2024);
      const joinedOn = `${year}-${pad(randInt(rng, 1, 12), 2)}-${pad(randInt(rng, 1, 28), 2)}`;
      ids.push(id);
      numbers.push(memberNumberOf(i));
      names.push(nameOf(rng));
      idEnc.push(cipher.encrypt(idNumber, id, 'id-number'));
      idHash.push(cipher.hashIdNumber(idNumber).hash);
      phones.push(cipher.encrypt(`13${pad(i, 9)}`, id, 'phone'));
      orgIds.push(branches[i % branches.length]!.id);
      statuses.push(probationary ? 'probationary' : 'full');
      joined.push(joinedOn);
      due.push(probationary ? `${year + 1}${joinedOn.slice(4)}` : null);
      converted.push(probationary ? null : `${year + 1}${joinedOn.slice(4)}`);
    }
    await db.query(
      `INSERT INTO member (id, number, name, id_number_enc, id_number_hash, phone_enc, organization_id, status, joined_on, conversion_due_on, converted_on, id_number_hash_key)
       SELECT *, $12::text FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::uuid[], $8::text[], $9::date[], $10::date[], $11::date[])`,
      [ids, numbers, names, idEnc, idHash, phones, orgIds, statuses, joined, due, converted, cipher.currentHashKeyId],
    );
    if ((start / BATCH) % 10 === 9) log(`  ${start + n} members (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
  }
  await db.query(`INSERT INTO member_count (organization_id, full_members, probationary_members)
    SELECT organization_id, count(*) FILTER (WHERE status = 'full'), count(*) FILTER (WHERE status = 'probationary') FROM member GROUP BY organization_id`);
  await db.query(`ALTER TABLE member ENABLE TRIGGER member_count_track`);
  const t2 = performance.now();
  await db.query(`CREATE INDEX member_name_trgm_idx ON member USING gin (name gin_trgm_ops)`);
  log(`generated ${size.members} members in ${((t2 - t1) / 1000).toFixed(1)} s; name trigram index in ${((performance.now() - t2) / 1000).toFixed(1)} s`);

  // 双报到: in-service members reported in to a community.
  await db.query(
    `INSERT INTO report_in (id, member_id, community_code, community_path, volunteer_id, registered_on, registered_by)
     SELECT gen_random_uuid(), m.id, a.code, a.path, 'vol-' || m.number, DATE '2025-01-01', 'generator'
       FROM (SELECT id, number, row_number() OVER (ORDER BY id) AS n FROM member LIMIT $1) m
       JOIN (SELECT code, path, row_number() OVER (ORDER BY code) - 1 AS k FROM known_area WHERE level = 'community') a ON a.k = m.n % $2`,
    [size.reportedIn, COMMUNITIES],
  );
  // VACUUM as well: autovacuum is off on the development machine, and index-only scans need the visibility map.
  await db.query(`VACUUM ANALYZE`);
  log(`world ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
