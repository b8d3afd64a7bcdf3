import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsBoolean, IsDateString, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Grant } from '../auth/grants.js';

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{1,63}$/u;
const USERNAME_MESSAGE = 'username must be 2-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit';

export class CreateAccountRequest {
  @Matches(USERNAME, { message: USERNAME_MESSAGE }) username: string;
  @IsString() @Length(1, 100) displayName: string;
  /** At least 12 characters; long passphrases welcome (argon2 takes any length up to 1,024 here). */
  @IsString() @Length(12, 1024, { message: 'password must be 12 to 1,024 characters' }) password: string;
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => Grant) grants: Grant[];
}

export class UpdateAccountRequest {
  @IsOptional() @IsString() @Length(1, 100) displayName?: string;
  @IsOptional() @IsString() @Length(12, 1024, { message: 'password must be 12 to 1,024 characters' }) password?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => Grant) grants?: Grant[];
  /** True disables the account and ends its sign-ins; false enables it again. */
  @IsOptional() @IsBoolean() disabled?: boolean;
  /** Lifts a lock-out before its time (and forgets the failed sign-ins). */
  @IsOptional() @Equals(true, { message: 'unlock can only be true' }) unlock?: true;
}

export class ListAccountsRequest {
  @IsOptional() @IsUUID() after?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

/** An account as the admin endpoints answer it: never the password's hash. */
export class AccountView {
  @IsUUID() id: string;
  @IsString() username: string;
  @IsString() displayName: string;
  @ValidateNested({ each: true }) @Type(() => Grant) grants: Grant[];
  /** Set while failed sign-ins keep it locked. */
  @IsOptional() @IsDateString() lockedUntil?: string;
  @IsOptional() @IsDateString() disabledAt?: string;
  @IsDateString() createdAt: string;
}

export class AccountPage {
  @ValidateNested({ each: true }) @Type(() => AccountView) items: AccountView[];
  /** Pass as `after` for the next page; absent on the last. */
  @IsOptional() @IsUUID() nextAfter?: string;
}
