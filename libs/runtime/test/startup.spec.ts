import { describe, expect, it } from 'vitest';
import { ConfigError } from '@gridwork/observability';
import { checkDependencies, serviceConfig } from '@gridwork/runtime';
import { testDatabaseServerUrl, testNats } from '@gridwork/testing';

const definition = { service: 'probe', defaultHttpPort: 3999, features: [] };

describe('service start-up', () => {
  it('defaults to the local servers and its own database', () => {
    const config = serviceConfig(definition, {});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/gov_probe');
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.HTTP_PORT).toBe(3999);
  });

  it('refuses a wrong setting and names it', () => {
    expect(() => serviceConfig(definition, { NATS_URL: 'localhost', STREAM_REPLICAS: '9' })).toThrowError(ConfigError);
    try {
      serviceConfig(definition, { NATS_URL: 'localhost', STREAM_REPLICAS: '9' });
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split('=')[0])).toEqual(['NATS_URL', 'STREAM_REPLICAS']);
    }
  });

  it('names a PostgreSQL extension the service needs that the server does not have', async () => {
    const nats = await testNats();
    try {
      const config = serviceConfig(definition, { DATABASE_URL: await testDatabaseServerUrl(), NATS_URL: nats.url });
      const error = (await checkDependencies(config, ['postgis', 'no_such_extension']).catch((e: unknown) => e)) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.problems).toEqual([expect.stringMatching(/lacks the no_such_extension extension this service needs/)]);
    } finally {
      await nats.dispose();
    }
  });

  it('says what to start or set when PostgreSQL or NATS is unreachable', async () => {
    const config = serviceConfig(definition, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/gov_probe',
      NATS_URL: 'nats://127.0.0.1:1',
    });
    const error = (await checkDependencies(config).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/PostgreSQL is not reachable at 127\.0\.0\.1:1 .* set DATABASE_URL/);
    expect(error.problems[1]).toMatch(/NATS is not reachable at nats:\/\/127\.0\.0\.1:1 .* set NATS_URL/);
  });
});
