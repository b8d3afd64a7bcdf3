import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';

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

/** One write through the gateway. */
export class AuditRecord {
  @IsUUID() id: string;
  @IsDateString() at: string;
  /** The signed-in account; absent for a sign-in attempt, which has `username` only. */
  @IsOptional() @IsUUID() accountId?: string;
  @IsOptional() @IsString() username?: string;
  @IsString() method: string;
  /** The route as declared, e.g. `/dispatch/cases/:caseId/:action`. */
  @IsString() route: string;
  /** The path as called. */
  @IsString() path: string;
  /** The route's parameters: what was acted on. */
  @IsObject() target: Record<string, string>;
  /** The HTTP status it was answered with. */
  @IsInt() status: number;
  @IsOptional() @IsString() address?: string;
  @IsOptional() @IsString() userAgent?: string;
}

export class AuditPage {
  @ValidateNested({ each: true }) @Type(() => AuditRecord) items: AuditRecord[];
  @IsOptional() @IsUUID() nextAfter?: string;
}
