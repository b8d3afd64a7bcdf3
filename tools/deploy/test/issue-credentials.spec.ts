import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEPARTMENT_CODE } from '@gridwork/contracts';

const SCRIPT = resolve(import.meta.dirname, '../../../deploy/nats/issue-credentials.mjs');

describe('deploy/nats/issue-credentials.mjs', () => {
  it('takes exactly the department codes the platform takes', () => {
    const out = mkdtempSync(join(tmpdir(), 'gridwork-creds-'));
    try {
      for (const code of ['a', 'ab', 'housing', 'urban-mgmt', 'x'.repeat(40), 'x'.repeat(41), 'Housing', '9lives', 'a.b']) {
        const run = spawnSync(process.execPath, [SCRIPT, 'department', code, '--out', out], { encoding: 'utf8' });
        expect({ code, issued: run.status === 0 }).toEqual({ code, issued: DEPARTMENT_CODE.test(code) });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
