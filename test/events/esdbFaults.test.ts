import { LogUnavailableError, StreamNotFoundError } from '../../src/events/errors';
import { createEventStoreDbEventLog } from '../../src/events/esdb/eventStoreDbEventLog';
import type { EventLog, RecordedEvent } from '../../src/events/eventLog';
import { streamNames } from '../../src/events/streams';
import { openBranch } from '../../src/sdk/openBranch';
import { startEsdbEmulator, type EsdbEmulator } from '../support/esdbEmulator/emulator';
import { branchEvents, mutated, newId } from '../support/events';

// Faults need a server the test controls: these always run against the emulator.
let emulator: EsdbEmulator;
let log: EventLog;
let prefix: string;

const open = async (query = '') => {
  const opened = createEventStoreDbEventLog({
    connectionString: emulator.url + query,
    resubscribe: { retries: 20, initialDelayMs: 20, maxDelayMs: 200 },
  });
  await expect(opened.readStream('warm-up')).rejects.toThrow(StreamNotFoundError);
  return opened;
};

beforeAll(async () => {
  emulator = await startEsdbEmulator({ writeTimeoutMs: 100 });
});
afterAll(() => emulator.stop());
beforeEach(async () => {
  prefix = `f${newId()}-`;
  log = await open();
});
afterEach(() => log.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delivers every event of the subscription to `handle`, until `n` arrived. */
const consume = async (
  events: AsyncIterable<RecordedEvent>,
  n: number,
  handle: (e: RecordedEvent, i: number) => Promise<void> | void = () => {},
) => {
  const seen: RecordedEvent[] = [];
  for await (const e of events) {
    await handle(e, seen.length);
    seen.push(e);
    if (seen.length >= n) break;
  }
  return seen;
};

const revisions = (events: RecordedEvent[]) => events.map((e) => `${e.stream}@${e.revision}`);

describe('EventStoreDB adapter under faults (emulator)', () => {
  it('resumes a subscription after the server stopped and restarted: no loss, no repeat', async () => {
    const a = `${prefix}a`;
    const id = newId();
    await log.append(a, branchEvents(5, id), { expectedRevision: 'no_stream' });
    const writer = await open();
    const delivered = consume(
      log.subscribe({ filter: { streamPrefixes: [prefix] }, pageSize: 2 }),
      10,
      async (_e, i) => {
        if (i !== 2) return;
        // Mid-subscription, with events still on their way: the server goes down for a while.
        await emulator.stop();
        await sleep(300);
        await emulator.start();
        await writer.append(
          a,
          [5, 6, 7, 8, 9].map((seq) => mutated(id, seq)),
          {
            expectedRevision: 4,
          },
        );
      },
    );
    const events = await delivered;
    expect(revisions(events)).toEqual([...Array(10).keys()].map((r) => `${a}@${r}`));
    await writer.close();
  });

  it('keeps delivering across several dropped connections, each event once', async () => {
    const s = `${prefix}drops`;
    await log.append(s, branchEvents(40), { expectedRevision: 'no_stream' });
    const events = await consume(
      log.subscribe({ filter: { streamPrefixes: [prefix] }, pageSize: 3 }),
      40,
      async (_e, i) => {
        if (i % 10 === 5) await emulator.dropConnections();
      },
    );
    expect(events.map((e) => e.revision)).toEqual([...Array(40).keys()]);
  });

  it('gives up on a subscription when the server stays away, with a retriable error', async () => {
    const impatient = createEventStoreDbEventLog({
      connectionString: emulator.url,
      resubscribe: { retries: 2, initialDelayMs: 10, maxDelayMs: 20 },
    });
    await impatient.append(`${prefix}x`, branchEvents(1), { expectedRevision: 'no_stream' });
    const events = consume(impatient.subscribe({ filter: { streamPrefixes: [prefix] } }), 5, () =>
      emulator.stop(),
    );
    await expect(events).rejects.toThrow(LogUnavailableError);
    await expect(events).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE', retriable: true });
    await emulator.start();
    await impatient.close();
  });

  it('fails an append during an outage retriably, then the same append succeeds once', async () => {
    const s = `${prefix}outage`;
    const batch = branchEvents(3);
    await emulator.stop();
    const attempt = log.append(s, batch, { expectedRevision: 'no_stream' });
    await expect(attempt).rejects.toThrow(LogUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retriable: true });
    // The driver's own words say which server could not be reached, and how.
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `^append to "${s}": EventStoreDB unavailable \\(14 UNAVAILABLE: .*127\\.0\\.0\\.1:${emulator.port}`,
      ),
    );
    await emulator.start();
    const result = await log.append(s, batch, { expectedRevision: 'no_stream' });
    expect(result.nextRevision).toBe(2);
    expect(await log.readStream(s)).toHaveLength(3);
  });

  it('retries an append whose reply was lost: the server recognises it, nothing is doubled', async () => {
    const s = `${prefix}lost`;
    const batch = branchEvents(2);
    emulator.loseRepliesToNextWrites(1);
    const attempt = log.append(s, batch, { expectedRevision: 'no_stream' });
    await expect(attempt).rejects.toThrow(LogUnavailableError);
    // It was written: the retry with the same events and expected revision is idempotent.
    const retried = await log.append(s, batch, { expectedRevision: 'no_stream' });
    const stored = await log.readStream(s);
    expect(stored).toHaveLength(2);
    expect(retried).toEqual({ nextRevision: 1, position: stored[1]!.position });
  });

  it('turns a server timeout into a retriable error', async () => {
    const s = `${prefix}slow`;
    emulator.timeOutNextWrites(1);
    const attempt = log.append(s, branchEvents(1), { expectedRevision: 'no_stream' });
    await expect(attempt).rejects.toThrow(LogUnavailableError);
    await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/unavailable/) });
    await expect(log.readStream(s)).rejects.toThrow(StreamNotFoundError);
  });

  it('commits a branch through lost replies and timeouts with the SDK, each event once', async () => {
    emulator.loseRepliesToNextWrites(1);
    emulator.timeOutNextWrites(1);
    const streams = streamNames(prefix.slice(0, -1));
    const branch = await openBranch({
      log,
      entity: { type: 'invoice', id: 'INV-1' },
      phase: 'reasoning',
      actor: 'agent-a',
      from: null,
      streams,
      retry: { attempts: 6, initialDelayMs: 20 },
    });
    branch.set('/total', 10).set('/vat', 2);
    await branch.commit();
    const stored = await log.readStream(streams.branch(branch.branchId));
    expect(stored.map((e) => e.type)).toEqual([
      'BranchOpened',
      'MutationRecorded',
      'BranchCommitted',
    ]);
  });

  it('holds the server back while the handler is slow: a bounded number of events in flight', async () => {
    const s = `${prefix}slow-handler`;
    const total = 1500;
    const id = newId();
    const padded = (seq: number) =>
      mutated(id, seq, [{ op: 'set', path: '/note', value: 'x'.repeat(400) }]);
    for (let i = 0; i < total; i += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => padded(i + k + 1));
      await log.append(s, batch, { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
    }
    const sentBefore = emulator.stats.eventsSent;
    let inFlight = 0;
    const events = await consume(
      log.subscribe({ filter: { streamPrefixes: [prefix] }, pageSize: 20 }),
      total,
      async (_e, i) => {
        inFlight = Math.max(inFlight, emulator.stats.eventsSent - sentBefore - i);
        if (i < 150) await sleep(2);
      },
    );
    expect(events.map((e) => e.revision)).toEqual([...Array(total).keys()]);
    // Without backpressure the server would have sent all 1,500 while the first were handled.
    expect(inFlight).toBeLessThan(400);
  });
});
