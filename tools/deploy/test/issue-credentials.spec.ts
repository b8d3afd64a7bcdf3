import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

  it('refuses a wrong command, naming what is wrong, and writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'gridwork-creds-'));
    const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args, '--out', join(out, 'creds')], { encoding: 'utf8' });
    try {
      const cases: Array<[string[], RegExp]> = [
        [['service', 'billing'], /unknown service 'billing'; one of org, grid, dispatch, timebank, admission, gateway/],
        [['department', 'dispatch'], /'dispatch' is reserved by the platform/],
        [['department', 'Bad Code'], /'Bad Code' is not a department code/],
        [['revoke', 'housing'], /holds no credentials issued by this command/],
        [['push'], /push takes no name and needs --push URL/],
        [['grant', 'housing'], /the first argument is 'service', 'department', 'revoke' or 'push', not 'grant'/],
        [['department', 'housing', '--colour'], /unknown option --colour/],
      ];
      for (const [args, message] of cases) {
        const result = run(...args);
        expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: expect.any(Number), stderr: expect.stringMatching(message) });
        expect(result.status).not.toBe(0);
      }
      expect(existsSync(join(out, 'creds'))).toBe(false);
      // With credentials issued: revoking a department never issued changes nothing.
      expect(run('department', 'housing').status).toBe(0);
      const files = readdirSync(join(out, 'creds')).sort();
      const revoke = run('revoke', 'water');
      expect({ status: revoke.status, stderr: revoke.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(/no department 'water' was issued/) });
      expect(readdirSync(join(out, 'creds')).sort()).toEqual(files);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
