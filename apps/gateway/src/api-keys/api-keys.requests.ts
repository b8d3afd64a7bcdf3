import { Type } from 'class-transformer';
import { IsDateString, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';

export class CreateApiKeyRequest {
  /** Whose app it is, for people: e.g. `Tianhe district resident app`. */
  @IsString() @Length(1, 100) name: string;
}

export class ApiKeyView {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsDateString() createdAt: string;
  @IsOptional() @IsDateString() revokedAt?: string;
  @IsOptional() @IsDateString() lastUsedAt?: string;
}

/** A new key, shown this once: only its hash is kept. */
export class CreatedApiKey extends ApiKeyView {
  /** Give it to the app; it sends it as `api_key` with each posted request. */
  @IsString() key: string;
}

export class ApiKeyList {
  @ValidateNested({ each: true }) @Type(() => ApiKeyView) items: ApiKeyView[];
}
