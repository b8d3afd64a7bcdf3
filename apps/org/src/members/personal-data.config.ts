import { IsString, Matches } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

/**
 * Keys for members' personal data, read from the environment at start (a
 * wrong value stops the service with the variable named). The defaults are
 * for development and tests only; a deployment sets its own.
 */
export class PersonalDataConfig {
  /**
   * Every key that may have written a stored value, `id:base64` (32 bytes
   * each, AES-256-GCM), comma-separated. Rotation: add the new key on every
   * replica, then make it current, run `member.reencrypt` until nothing is
   * left, then drop the old one.
   */
  @Matches(/^[a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=(,[a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=)*$/, { message: 'must be id:base64-of-32-bytes, comma-separated' })
  ORG_PII_KEYS = 'dev-1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk=';

  /** The key new values are written with; one of ORG_PII_KEYS. */
  @IsString() @Matches(/^[a-z0-9-]{1,20}$/)
  ORG_PII_CURRENT_KEY = 'dev-1';

  /**
   * The HMAC-SHA256 key of the ID-number search hash (base64, 32 bytes). It
   * is not rotated with the encryption keys: a new one means recomputing
   * every hash.
   */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of 32 bytes' })
  ORG_PII_HASH_KEY = 'ZGV2ZWxvcG1lbnQtaGFzaC1rZXktbm90LWZvci1wcm8=';
}

export const personalDataConfig = (env: NodeJS.ProcessEnv = process.env): PersonalDataConfig => loadConfig(PersonalDataConfig, env);
