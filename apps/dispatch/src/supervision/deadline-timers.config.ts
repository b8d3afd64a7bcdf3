import { IsInt, Max, Min } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

/**
 * The deadline timers' settings, read from the environment when the service
 * starts (a wrong value stops it with the variable named).
 */
export class DeadlineTimerConfig {
  /** How often each replica looks for due timers; a timer fires at most this long (plus the batch's time) after it is due. */
  @IsInt() @Min(10) @Max(60_000)
  DISPATCH_TIMER_POLL_MS = 1_000;

  /** Most cases one replica locks and fires in one transaction. */
  @IsInt() @Min(1) @Max(5_000)
  DISPATCH_TIMER_BATCH = 200;

  /**
   * The share of a deadline's time after which its owner is reminded, in
   * percent; 0 keeps the database's `deadline_rule` (80 unless changed).
   * Written to the database at start, so every replica of a deployment uses
   * it; it applies to deadlines set from then on.
   */
  @IsInt() @Min(0) @Max(99)
  DISPATCH_REMIND_AT_PERCENT = 0;
}

export const deadlineTimerConfig = (env: NodeJS.ProcessEnv = process.env): DeadlineTimerConfig => loadConfig(DeadlineTimerConfig, env);
