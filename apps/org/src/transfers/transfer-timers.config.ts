import { IsInt, Max, Min } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

/** The transfer timeout timer's settings, read from the environment at start. */
export class TransferTimerConfig {
  /** How often each replica looks for transfers past their answer date. */
  @IsInt() @Min(10) @Max(3_600_000)
  ORG_TRANSFER_TIMER_POLL_MS = 5_000;

  @IsInt() @Min(1) @Max(5_000)
  ORG_TRANSFER_TIMER_BATCH = 200;
}

export const transferTimerConfig = (env: NodeJS.ProcessEnv = process.env): TransferTimerConfig => loadConfig(TransferTimerConfig, env);
