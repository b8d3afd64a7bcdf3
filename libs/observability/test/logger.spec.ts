import { describe, expect, it } from 'vitest';
import { continueTrace } from '@gridwork/contracts';
import { createLogger, runWithTrace } from '../src/index.js';

describe('createLogger', () => {
  it('writes JSON lines that carry the current trace and correlation ids', () => {
    const lines: string[] = [];
    const log = createLogger('dispatch', 'info', { write: (line: string) => lines.push(line) });
    const trace = continueTrace(`00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`, 'corr-7');
    runWithTrace(trace, () => log.info('inside a handler'));
    log.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ level: 'info', service: 'dispatch', traceId: 'c'.repeat(32), correlationId: 'corr-7', msg: 'inside a handler' });
    expect(inside!['spanId']).toMatch(/^[0-9a-f]{16}$/);
    expect(outside).not.toHaveProperty('traceId');
  });
});
