import { describe, expect, it } from 'vitest';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from '../src/index.js';

class Settings {
  @Matches(/^nats:\/\//) NATS_URL = 'nats://127.0.0.1:4222';
  @IsInt() @Min(1) @Max(65535) PORT = 3000;
  @IsBoolean() MIGRATIONS_RUN = true;
}

describe('loadConfig', () => {
  it('uses defaults and converts numbers and booleans from text', () => {
    expect(loadConfig(Settings, {})).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', PORT: 3000, MIGRATIONS_RUN: true });
    expect(loadConfig(Settings, { PORT: '8080', MIGRATIONS_RUN: 'false' })).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false });
  });

  it('names every wrong setting with its value', () => {
    const error = (() => {
      try {
        loadConfig(Settings, { NATS_URL: 'http://x', PORT: 'eighty', MIGRATIONS_RUN: 'maybe' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split('=')[0])).toEqual(['NATS_URL', 'PORT', 'MIGRATIONS_RUN']);
    expect(error!.message).toContain('PORT="eighty"');
  });
});
