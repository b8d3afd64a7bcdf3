import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PINO_LOGGER } from '@gridwork/observability';
import { LEGACY_HASH_KEY_ID, PersonalDataConfig, personalDataConfig } from './personal-data.config.js';

/** Which value a ciphertext is, bound in as associated data so a value cannot be copied to another member or field. */
export type PersonalField = 'id-number' | 'phone';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** An ID number's search hash and the id of the hash key that made it (stored beside it, `id_number_hash_key`). */
export interface IdNumberHash {
  keyId: string;
  hash: Buffer;
}

const keyMap = (list: string): Map<string, Buffer> => new Map(list.split(',').map((entry) => [entry.split(':')[0]!, Buffer.from(entry.split(':')[1]!, 'base64')]));

/**
 * Members' personal data at rest: AES-256-GCM with a random IV per value,
 * stored as `<key id>:<base64 of iv, tag, ciphertext>` so each value names
 * the key that wrote it and both keys of a rotation stay readable; and the
 * keyed hash (HMAC-SHA256) exact ID-number search looks up, under hash
 * keys with ids too, so that a rotation can look under the old key and the
 * new one while the passes rehash. Plain, so the
 * org generator (tools/seed) writes values the service reads.
 */
export class PersonalDataCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly hashKeys: Map<string, Buffer>;
  readonly currentKeyId: string;
  readonly currentHashKeyId: string;

  constructor(config: PersonalDataConfig) {
    this.keys = keyMap(config.ORG_PII_KEYS);
    if (!this.keys.has(config.ORG_PII_CURRENT_KEY)) throw new Error(`ORG_PII_CURRENT_KEY ${config.ORG_PII_CURRENT_KEY} is not one of ORG_PII_KEYS`);
    this.currentKeyId = config.ORG_PII_CURRENT_KEY;
    if (config.ORG_PII_HASH_KEYS) {
      this.hashKeys = keyMap(config.ORG_PII_HASH_KEYS);
      if (!config.ORG_PII_CURRENT_HASH_KEY || !this.hashKeys.has(config.ORG_PII_CURRENT_HASH_KEY)) {
        throw new Error(`ORG_PII_CURRENT_HASH_KEY ${config.ORG_PII_CURRENT_HASH_KEY || '(unset)'} is not one of ORG_PII_HASH_KEYS`);
      }
      this.currentHashKeyId = config.ORG_PII_CURRENT_HASH_KEY;
    } else {
      // A current hash key without the list would be a half-done rotation: refuse rather than guess.
      if (config.ORG_PII_CURRENT_HASH_KEY) throw new Error('ORG_PII_CURRENT_HASH_KEY is set without ORG_PII_HASH_KEYS');
      this.hashKeys = new Map([[LEGACY_HASH_KEY_ID, Buffer.from(config.ORG_PII_HASH_KEY, 'base64')]]);
      this.currentHashKeyId = LEGACY_HASH_KEY_ID;
    }
  }

  encrypt(plain: string, memberId: string, field: PersonalField): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(`${memberId}/${field}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${this.currentKeyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string, memberId: string, field: PersonalField): string {
    const colon = stored.indexOf(':');
    const keyId = stored.slice(0, colon);
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`personal data of ${memberId} is under key ${keyId}, which this replica does not have (ORG_PII_KEYS)`);
    const raw = Buffer.from(stored.slice(colon + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${memberId}/${field}`));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** The search hash of an ID number under the current hash key (upper-cased, so a trailing x finds X): what a new row stores. */
  hashIdNumber(idNumber: string): IdNumberHash {
    return { keyId: this.currentHashKeyId, hash: this.hmac(this.hashKeys.get(this.currentHashKeyId)!, idNumber) };
  }

  /**
   * The ID number's hash under every configured hash key, the current one
   * first: what a search or a duplicate check looks for, since during a
   * rotation a person's row may still be hashed under the old key.
   */
  idNumberHashes(idNumber: string): IdNumberHash[] {
    const ids = [this.currentHashKeyId, ...[...this.hashKeys.keys()].filter((id) => id !== this.currentHashKeyId)];
    return ids.map((keyId) => ({ keyId, hash: this.hmac(this.hashKeys.get(keyId)!, idNumber) }));
  }

  private hmac(key: Buffer, idNumber: string): Buffer {
    return createHmac('sha256', key).update(idNumber.toUpperCase()).digest();
  }
}

/** The service's cipher, with the keys of its configuration. */
@Injectable()
export class PersonalData extends PersonalDataCipher {
  constructor(@Inject(PINO_LOGGER) log: Logger) {
    const config = personalDataConfig();
    super(config);
    const dev = new PersonalDataConfig();
    if (config.ORG_PII_KEYS === dev.ORG_PII_KEYS || (!config.ORG_PII_HASH_KEYS && config.ORG_PII_HASH_KEY === dev.ORG_PII_HASH_KEY)) log.warn("members' personal data is encrypted with the development key: set ORG_PII_KEYS, ORG_PII_CURRENT_KEY, ORG_PII_HASH_KEYS and ORG_PII_CURRENT_HASH_KEY");
  }
}

/** 440106********123X: the region and the check digits, not the birth date. */
export const maskIdNumber = (idNumber: string): string => `${idNumber.slice(0, 6)}${'*'.repeat(Math.max(0, idNumber.length - 10))}${idNumber.slice(-4)}`;

/** 138****5678 */
export const maskPhone = (phone: string): string => (phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`);
