import { IsOptional, IsString, Length } from 'class-validator';
import { WithinAreas } from '../grid/areas.js';

/*
 * Words every part of the timebank service (志愿服务时间银行与积分) shares:
 * the two currencies of its ledger and who acts.
 */

/**
 * The ledger's two currencies, each in its smallest whole unit: `time` in
 * minutes of service (时间银行), `points` in whole moral-bank points
 * (道德银行积分). A transfer moves one currency between two accounts of it.
 */
export const CURRENCIES = ['time', 'points'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Most one transfer moves: a billion minutes or points, far above any real movement and well inside exact integers. */
export const MAX_AMOUNT = 1_000_000_000;

/** Who acts: the gateway fills this from the person's token. */
export class TimebankActor {
  @IsString() @Length(1, 100) id: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  /**
   * The areas the actor acts within (the gateway sets them from the person's
   * sign-in: a community's volunteer office): the service refuses a write
   * that takes from an account outside all of them. Absent: anywhere.
   */
  @WithinAreas() areas?: string[];
}
