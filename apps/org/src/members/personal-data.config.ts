import { IsString, Matches, ValidateIf } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

const KEY_LIST = /^[a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=(,[a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=)*$/;

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
  @Matches(KEY_LIST, { message: 'must be id:base64-of-32-bytes, comma-separated' })
  ORG_PII_KEYS = 'dev-1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk=';

  /** The key new values are written with; one of ORG_PII_KEYS. */
  @IsString() @Matches(/^[a-z0-9-]{1,20}$/)
  ORG_PII_CURRENT_KEY = 'dev-1';

  /**
   * A single HMAC-SHA256 key of the ID-number search hash (base64, 32
   * bytes), named `hash-0` (LEGACY_HASH_KEY_ID): the setting of deployments
   * from before hash keys rotated. Ignored when ORG_PII_HASH_KEYS is set.
   */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of 32 bytes' })
  ORG_PII_HASH_KEY = 'ZGV2ZWxvcG1lbnQtaGFzaC1rZXktbm90LWZvci1wcm8=';

  /**
   * Every HMAC key a stored ID-number hash may be under, `id:base64` (32
   * bytes each), comma-separated; rotated as ORG_PII_KEYS are (the
   * re-encryption passes rehash too). Empty: the one ORG_PII_HASH_KEY.
   */
  @ValidateIf((c: PersonalDataConfig) => !!c.ORG_PII_HASH_KEYS)
  @Matches(KEY_LIST, { message: 'must be id:base64-of-32-bytes, comma-separated' })
  ORG_PII_HASH_KEYS?: string = '';

  /** The hash key new hashes are made with; one of ORG_PII_HASH_KEYS (and set exactly when it is). */
  @ValidateIf((c: PersonalDataConfig) => !!c.ORG_PII_CURRENT_HASH_KEY)
  @Matches(/^[a-z0-9-]{1,20}$/)
  ORG_PII_CURRENT_HASH_KEY?: string = '';
}

/** The id the single ORG_PII_HASH_KEY goes by, and that the migration gave every hash stored before. */
export const LEGACY_HASH_KEY_ID = 'hash-0';

export const personalDataConfig = (env: NodeJS.ProcessEnv = process.env): PersonalDataConfig => loadConfig(PersonalDataConfig, env);
