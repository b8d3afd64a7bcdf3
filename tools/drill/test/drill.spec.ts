import { describe, expect, it } from 'vitest';
import { describeDrill, runDrill } from '../drill.js';

/**
 * The small fault drill: a few hundred case reports to dispatch (two
 * processes) on a private nats-server and PostgreSQL, with kill -9 of each
 * dispatch process, kill -9 of NATS and an immediate PostgreSQL stop during
 * the burst. Nothing may be lost or doubled (`npm run drill` runs 10,000).
 */
describe('the fault drill', () => {
  it('loses and doubles nothing through kill -9 of each process, of NATS, and a PostgreSQL stop', async () => {
    const report = await runDrill({ reports: 1_200, rate: 60, downMs: 500 });
    const text = describeDrill(report);
    expect(report.faults.map((f) => f.fault), text).toHaveLength(4);
    expect(
      {
        acknowledged: report.acknowledged,
        refused: report.refused,
        stored: report.stored,
        duplicates: report.duplicates,
        lost: report.lost,
        reported: report.reportedEvents,
        inStream: report.reportedInStream,
        applied: report.reportedApplied,
        unsent: report.eventsUnsent,
        notApplied: report.eventsNotApplied,
        rollup: report.rollupReceived,
        deadLetters: report.deadLetters,
      },
      text,
    ).toEqual({
      acknowledged: report.sent,
      refused: 0,
      stored: report.sent,
      duplicates: 0,
      lost: 0,
      reported: report.sent,
      inStream: report.sent,
      applied: report.sent,
      unsent: 0,
      notApplied: 0,
      rollup: report.sent,
      deadLetters: 0,
    });
    expect(report.ok).toBe(true);
  }, 240_000);
});
