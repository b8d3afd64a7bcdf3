import { IsInt, Max, Min } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

/** Intake's batching, read from the environment when the service starts (a wrong value stops it with the variable named). */
export class IntakeConfig {
  /** Most reports stored by one statement. */
  @IsInt() @Min(1) @Max(5_000)
  INTAKE_MAX_BATCH = 400;

  /**
   * Batches in flight at once per replica. On two cores one larger batch at a
   * time queued less than several smaller ones in parallel (tools/README.md).
   */
  @IsInt() @Min(1) @Max(32)
  INTAKE_CONCURRENT_BATCHES = 1;
}

export const intakeConfig = (env: NodeJS.ProcessEnv = process.env): IntakeConfig => loadConfig(IntakeConfig, env);
