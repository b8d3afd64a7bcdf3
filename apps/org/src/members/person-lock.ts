import type { EntityManager } from 'typeorm';
import type { IdNumberHash } from './personal-data.js';

/**
 * Serializes, until the transaction ends, everyone putting the same person
 * (by ID number) on the roll or into joining. The unique index on
 * `id_number_hash` alone holds one person to one row only while every
 * replica hashes under one key; during a hash-key rotation two replicas may
 * hash the same person under different keys, and both rows would pass it.
 * Every replica of a rotation holds the old key and the new one (step 1 of
 * docs/org.md, Key rotation), so locking the hash under each configured key
 * makes two such registrations meet on at least one lock; the one that
 * waits then sees the other's committed row in its duplicate check.
 * Taken in a fixed order (ascending) so that two callers never deadlock.
 */
export async function lockPerson(em: EntityManager, hashes: IdNumberHash[]): Promise<void> {
  const keys = [...new Set(hashes.map((h) => h.hash.readInt32BE(0)))].sort((a, b) => a - b);
  for (const key of keys) await em.query(`SELECT pg_advisory_xact_lock(hashtext('org.person'), $1)`, [key]);
}
