import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@gridwork/contracts';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV, baseUrlOf, httpClient } from '@gridwork/gateway-service/test-fixtures';
import { startGridWithSmallCity } from '../fixtures/small-city.js';

/*
 * FixMyStreet's own Open311 adapter against the gateway. Its code is
 * FixMyStreet's (AGPL) and is not in this repository; CI machines have no
 * way to fetch it, so this runs where FIXMYSTREET_PERLLIB names the
 * `perllib` folder of a FixMyStreet checkout (and Perl has Moo,
 * MooX::Types::MooseLike, XML::Simple, LWP, DateTime::Format::W3CDTF:
 * Debian's libmoo-perl libmoox-types-mooselike-perl libxml-simple-perl
 * libwww-perl libdatetime-format-w3cdtf-perl). docs/gateway.md says when it
 * was last run and what it found.
 */
const PERLLIB = process.env.FIXMYSTREET_PERLLIB;

describe.skipIf(!PERLLIB || !existsSync(join(PERLLIB, 'Open311.pm')))("gateway: FixMyStreet's Open311 adapter, unchanged", () => {
  let world: TestWorld;
  let base: string;
  let key: string;

  beforeAll(async () => {
    world = await testWorld(['grid', 'dispatch', 'gateway']);
    await world.start(dispatchService, 'dispatch');
    await startGridWithSmallCity(world);
    await world.client.request(subjects.dispatch.category.define, { code: 'roads', name: 'Roads', responsible: { kind: 'department', department: 'housing' }, acceptHours: 2, completeHours: 48, hoursKind: 'calendar' });
    await world.client.request(subjects.dispatch.category.define, {
      code: 'roads.pothole',
      name: 'Pothole',
      responsible: { kind: 'department', department: 'housing' },
      acceptHours: 2,
      completeHours: 48,
      hoursKind: 'calendar',
      attributes: [{ code: 'depth_cm', description: 'How deep is it, in cm?', datatype: 'number', required: false, order: 1 }],
    });
    Object.assign(process.env, GATEWAY_ENV);
    base = await baseUrlOf(await world.start(gatewayService, 'gateway'));
    const http = httpClient(base);
    const admin = (await http.signIn(GATEWAY_ENV.GATEWAY_ADMIN_USERNAME, GATEWAY_ENV.GATEWAY_ADMIN_PASSWORD)).accessToken;
    key = (await http.post('/admin/api-keys', { name: 'FixMyStreet' }, admin)).body.key;
  });
  afterAll(() => world?.dispose());

  it('lists and defines services, sends a report, reads it back, follows its updates, and reads a refusal', { timeout: 60_000 }, async () => {
    // Asynchronously: the gateway answers from this process while the adapter waits.
    const { stdout } = await promisify(execFile)('perl', [join(import.meta.dirname, 'fixmystreet', 'drive.pl'), base, key], { encoding: 'utf8' });
    const out = JSON.parse(stdout);
    expect(out.services).toEqual(['roads', 'roads.pothole']);
    expect(out.attributes).toEqual([expect.objectContaining({ code: 'depth_cm', datatype: 'number', required: 'false', variable: 'true', order: '1' })]);
    expect(out.sent).toMatch(/^\d{16}$/);
    expect(out.requests).toEqual([expect.objectContaining({ service_request_id: out.sent, service_code: 'roads.pothole', status: 'open', lat: '23.01', long: '113.005', media_url: 'https://photos.example.org/pothole.jpg' })]);
    expect(out.updates.map((u: { service_request_id: string }) => u.service_request_id)).toEqual(out.updates.map(() => out.sent));
    expect(out.states[0]).toBe('confirmed');
    expect(out.refused).toBe(0);
    expect(out.refusal).toMatch(/lat: latitude 99 is out of range/);
    // The attribute FixMyStreet sent as attribute[depth_cm] is kept on the case.
    const [row] = await world.query<{ attributes: Record<string, unknown> }>('dispatch', `SELECT attributes FROM "case" WHERE number = $1`, [out.sent]);
    expect(row!.attributes).toEqual({ depth_cm: 12 });
  });
});
