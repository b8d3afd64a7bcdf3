import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@gridwork/observability';
import { serviceConfig } from '@gridwork/runtime';
import { waitFor } from '@gridwork/testing';
import { probe, probeService, tallyBehaviour, tallyService } from './fixtures/probe.js';
import { testWorld, type TestWorld } from './world.js';

/** SERVICE_ROLES: a service run as a requests process and an events process, as a busy deployment does. */
describe('service roles', () => {
  let world: TestWorld;

  beforeAll(async () => {
    world = await testWorld(['probe', 'tally']);
    tallyBehaviour.invocations.clear();
  });
  afterAll(() => world?.dispose());

  it('serves requests only where requests run, and relays and consumes events only where events run', async () => {
    await world.start(probeService('front'), 'probe', { SERVICE_ROLES: 'requests' });
    await world.start(tallyService('front'), 'tally', { SERVICE_ROLES: 'requests' });
    const count = 20;
    const replies = await Promise.all(Array.from({ length: count }, (_, i) => world.client.request(probe.widget.create, { name: `r-${i}`, count: i })));
    expect(new Set(replies.map((r) => r.servedBy))).toEqual(new Set(['front']));

    // No process runs events yet: the events wait in the outbox, committed with the widgets.
    await new Promise((r) => setTimeout(r, 600));
    const [{ unsent }] = await world.query<{ unsent: number }>('probe', 'SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL');
    expect(unsent).toBe(count);

    // The events processes relay them and apply each once; they serve no requests.
    await world.start(probeService('back'), 'probe', { SERVICE_ROLES: 'events' });
    await world.start(tallyService('back'), 'tally', { SERVICE_ROLES: 'events' });
    await waitFor('every event applied', async () => {
      const [{ widgets }] = await world.query<{ widgets: number }>('tally', 'SELECT widgets FROM tally_total');
      return widgets === count;
    });
    expect(tallyBehaviour.invocations.get('front') ?? 0).toBe(0);
    expect(tallyBehaviour.invocations.get('back')).toBe(count);
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => world.client.request(probe.widget.create, { name: `s-${i}`, count: i })));
    expect(new Set(more.map((r) => r.servedBy))).toEqual(new Set(['front']));
  });

  it('refuses a role it does not know, naming SERVICE_ROLES', () => {
    const definition = { service: 'probe', defaultHttpPort: 0, features: [] };
    expect(serviceConfig(definition, { SERVICE_ROLES: 'events,requests' }).SERVICE_ROLES).toBe('events,requests');
    try {
      serviceConfig(definition, { SERVICE_ROLES: 'web' });
      expect.unreachable('SERVICE_ROLES=web was accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.split('=')[0])).toEqual(['SERVICE_ROLES']);
    }
  });
});
