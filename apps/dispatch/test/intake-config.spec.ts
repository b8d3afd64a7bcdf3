import { describe, expect, it } from 'vitest';
import { ConfigError } from '@gridwork/observability';
import { intakeConfig } from '../src/cases/intake.config.js';

describe('intake settings', () => {
  it('defaults to one batch of up to 400 at a time, and reads the environment', () => {
    expect({ ...intakeConfig({}) }).toEqual({ INTAKE_MAX_BATCH: 400, INTAKE_CONCURRENT_BATCHES: 1 });
    expect(intakeConfig({ INTAKE_MAX_BATCH: '50', INTAKE_CONCURRENT_BATCHES: '3' })).toMatchObject({ INTAKE_MAX_BATCH: 50, INTAKE_CONCURRENT_BATCHES: 3 });
  });

  it('refuses wrong values, naming each variable', () => {
    const error = (() => {
      try {
        intakeConfig({ INTAKE_MAX_BATCH: '0', INTAKE_CONCURRENT_BATCHES: 'many' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.split('=')[0]).sort()).toEqual(['INTAKE_CONCURRENT_BATCHES', 'INTAKE_MAX_BATCH']);
  });
});
