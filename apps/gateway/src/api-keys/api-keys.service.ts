import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GridworkError } from '@gridwork/contracts';
import { newId } from '@gridwork/persistence';
import type { ApiKeyList, ApiKeyView, CreatedApiKey } from './api-keys.requests.js';

interface ApiKeyRow {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const hashOf = (key: string): Buffer => createHash('sha256').update(key).digest();
const viewOf = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at.toISOString(),
  ...(row.revoked_at ? { revokedAt: row.revoked_at.toISOString() } : {}),
  ...(row.last_used_at ? { lastUsedAt: row.last_used_at.toISOString() } : {}),
});

/** The sole writer of `api_key`: admins issue and revoke keys, Open311 posting checks them. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly dataSource: DataSource) {}

  async issue(name: string, createdBy: string): Promise<CreatedApiKey> {
    const key = `gw_${randomBytes(24).toString('base64url')}`;
    const [row] = await this.dataSource.query<ApiKeyRow[]>(`INSERT INTO api_key (id, name, key_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING *`, [
      newId(),
      name,
      hashOf(key),
      createdBy,
    ]);
    return { ...viewOf(row!), key };
  }

  async list(): Promise<ApiKeyList> {
    return { items: (await this.dataSource.query<ApiKeyRow[]>(`SELECT * FROM api_key ORDER BY created_at`)).map(viewOf) };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const [[row]] = await this.dataSource.query<[ApiKeyRow[], number]>(`UPDATE api_key SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`, [id]);
    if (!row) throw GridworkError.notFound(`api key ${id}`);
    return viewOf(row);
  }

  /** The app a key belongs to, when the key is known and not revoked. */
  async appOf(key: string): Promise<{ id: string; name: string } | undefined> {
    const [[row]] = await this.dataSource.query<[ApiKeyRow[], number]>(
      `UPDATE api_key SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING *`,
      [hashOf(key)],
    );
    return row ? { id: row.id, name: row.name } : undefined;
  }
}
