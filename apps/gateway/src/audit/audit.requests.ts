import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class SearchAuditRequest {
  @IsOptional() @IsUUID() accountId?: string;
  @IsOptional() @IsString() @Length(1, 64) username?: string;
  /** Records whose route starts with this, e.g. `/dispatch/cases`. */
  @IsOptional() @IsString() @Length(1, 200) route?: string;
  @IsOptional() @IsIn(['POST', 'PUT', 'PATCH', 'DELETE']) method?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(599) status?: number;
  @IsOptional() @IsDateString() from?: string;
  @IsOptional() @IsDateString() to?: string;
  /** Paging, newest first: the `nextAfter` of the page before. */
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export interface AuditRecord {
  id: string;
  at: string;
  accountId?: string;
  username?: string;
  method: string;
  route: string;
  path: string;
  target: Record<string, string>;
  status: number;
  address?: string;
  userAgent?: string;
}
