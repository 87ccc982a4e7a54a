import { runEventLogDemo } from '../../src/demo/eventLogDemo';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';

const run = async (seed: number) => {
  const log = createMemoryEventLog();
  const report = await runEventLogDemo({ log, seed, invoices: 20 });
  const stored = await log.readAll({ limit: 100_000 });
  await log.close();
  return { report, stored };
};

describe('event log demo', () => {
  it('writes every branch once, delivers every event live, and refuses the bad ones', async () => {
    const { report, stored } = await run(7);
    expect(report.branches).toBe(100);
    expect(stored).toHaveLength(report.eventsAppended);
    expect(report.eventsSubscribed).toBe(report.eventsAppended);
    expect(report.eventsByType.BranchCommitted).toBe(100);
    expect(report.rejected.map((r) => r.case)).toHaveLength(4);
    expect(new Set(stored.map((e) => e.metadata.eventId)).size).toBe(stored.length);
  });

  it('gives the same report for the same seed, and another for another seed', async () => {
    const [a, b, c] = await Promise.all([run(11), run(11), run(12)]);
    expect(a.report).toEqual(b.report);
    expect(a.stored).toEqual(b.stored);
    expect(c.stored).not.toEqual(a.stored);
  });
});
