import {
  ValidationError,
  VersionConflictError,
  StreamNotFoundError,
} from '../../src/events/errors';
import { entityPartition } from '../../src/events/entityPartition';
import type { EventLog, RecordedEvent } from '../../src/events/eventLog';
import { streamNames } from '../../src/events/streams';
import { assignedTo } from '../../src/promoter/workerAssignment';
import { branchEvents, mutated, newId, opened } from '../support/events';

export interface EventLogHarness {
  /** A log to test; may be shared with other tests, so each test uses streams of its own. */
  create(): Promise<EventLog>;
}

export const take = async (
  events: AsyncIterable<RecordedEvent>,
  n: number,
): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  if (n === 0) return out;
  for await (const e of events) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
};

/** The EventLog contract: every adapter passes the same suite. */
export const describeEventLogContract = (name: string, harness: EventLogHarness): void => {
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    let prefix: string;
    const stream = (suffix: string) => `${prefix}${suffix}`;
    const mine = () => ({ streamPrefixes: [prefix] });

    beforeEach(async () => {
      log = await harness.create();
      prefix = `t${newId()}-`;
    });
    afterEach(() => log.close());

    describe('append and read', () => {
      it('numbers revisions from 0 and returns the last revision and position', async () => {
        const s = stream('a');
        const first = await log.append(s, branchEvents(3), { expectedRevision: 'no_stream' });
        expect(first.nextRevision).toBe(2);
        const events = await log.readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(events[2]!.position).toBe(first.position);
        expect(events.map((e) => e.type)).toEqual([
          'BranchOpened',
          'MutationRecorded',
          'MutationRecorded',
        ]);
      });

      it('keeps one global order across streams', async () => {
        const [a, b] = [stream('a'), stream('b')];
        const id = newId();
        await log.append(a, [opened(id)], { expectedRevision: 'no_stream' });
        await log.append(b, branchEvents(2), { expectedRevision: 'no_stream' });
        await log.append(a, [mutated(id, 1)], { expectedRevision: 0 });
        const all = await log.readAll({ filter: mine() });
        expect(all.map((e) => `${e.stream}@${e.revision}`)).toEqual([
          `${a}@0`,
          `${b}@0`,
          `${b}@1`,
          `${a}@1`,
        ]);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('says where the log ends: at or after its last append, and no further than a reader gets', async () => {
        const first = await log.append(stream('a'), branchEvents(2), {
          expectedRevision: 'no_stream',
        });
        const afterFirst = await log.endPosition();
        expect(afterFirst).toBeGreaterThanOrEqual(first.position);
        const second = await log.append(stream('b'), branchEvents(1), {
          expectedRevision: 'no_stream',
        });
        const end = await log.endPosition();
        expect(end).toBeGreaterThanOrEqual(second.position);
        expect(end).toBeGreaterThan(afterFirst);
        // Nothing lies past it (a server may add its own events meanwhile: those are read too).
        expect(await log.readAll({ fromPosition: end + 1, filter: mine() })).toEqual([]);
      });

      it('returns what was written, data and metadata alike', async () => {
        const s = stream('a');
        const event = opened();
        await log.append(s, [event], { expectedRevision: 'any' });
        const [read] = await log.readStream(s);
        expect({ type: read!.type, data: read!.data, metadata: read!.metadata }).toEqual(event);
      });

      it('reads a stream backwards, from a revision, with a limit', async () => {
        const s = stream('a');
        await log.append(s, branchEvents(5), { expectedRevision: 'no_stream' });
        const rev = async (o: Parameters<EventLog['readStream']>[1]) =>
          (await log.readStream(s, o)).map((e) => e.revision);
        expect(await rev({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await rev({ direction: 'backwards', from: 2, limit: 2 })).toEqual([2, 1]);
        expect(await rev({ from: 3 })).toEqual([3, 4]);
        expect(await rev({ from: 1, limit: 2 })).toEqual([1, 2]);
        // Forwards from just past the end: nothing yet (a reader waiting for what comes next).
        expect(await rev({ from: 5 })).toEqual([]);
      });

      it('throws StreamNotFoundError for a stream with no events', async () => {
        const s = stream('missing');
        await expect(log.readStream(s)).rejects.toThrow(StreamNotFoundError);
        await expect(log.readStream(s)).rejects.toMatchObject({
          code: 'STREAM_NOT_FOUND',
          stream: s,
        });
      });

      it('appends a large batch in one piece', async () => {
        const s = stream('big');
        const result = await log.append(s, branchEvents(2000), { expectedRevision: 'no_stream' });
        expect(result.nextRevision).toBe(1999);
        const events = await log.readStream(s);
        expect(events).toHaveLength(2000);
        expect(events.every((e, i) => e.revision === i)).toBe(true);
      });
    });

    describe('expected revision', () => {
      it('accepts the exact revision and rejects any other with expected and actual', async () => {
        const s = stream('a');
        const id = newId();
        await log.append(s, [opened(id)], { expectedRevision: 'no_stream' });
        await log.append(s, [mutated(id, 1)], { expectedRevision: 0 });
        const stale = log.append(s, [mutated(id, 2)], { expectedRevision: 0 });
        await expect(stale).rejects.toThrow(VersionConflictError);
        await expect(
          log.append(s, [mutated(id, 2)], { expectedRevision: 0 }),
        ).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
          stream: s,
          expected: 0,
          actual: 1,
        });
      });

      it("'no_stream' fails once the stream exists", async () => {
        const s = stream('a');
        await log.append(s, [opened()], { expectedRevision: 'no_stream' });
        await expect(
          log.append(s, [opened()], { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({
          expected: 'no_stream',
          actual: 0,
        });
      });

      it("'exists' fails on a missing stream and passes on an existing one", async () => {
        const s = stream('a');
        await expect(
          log.append(s, [opened()], { expectedRevision: 'exists' }),
        ).rejects.toMatchObject({
          expected: 'exists',
          actual: 'no_stream',
        });
        await log.append(s, [opened()], { expectedRevision: 'any' });
        await expect(
          log.append(s, [opened()], { expectedRevision: 'exists' }),
        ).resolves.toMatchObject({ nextRevision: 1 });
      });

      it("'any' always appends", async () => {
        const s = stream('a');
        await log.append(s, [opened()], { expectedRevision: 'any' });
        await expect(log.append(s, [opened()], { expectedRevision: 'any' })).resolves.toMatchObject(
          { nextRevision: 1 },
        );
      });

      it('lets exactly one of many concurrent appenders win a revision', async () => {
        const s = stream('race');
        const id = newId();
        await log.append(s, [opened(id)], { expectedRevision: 'no_stream' });
        const attempts = await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            log.append(s, [mutated(id, 1)], { expectedRevision: 0 }),
          ),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        const losers = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(losers).toHaveLength(9);
        for (const l of losers) expect(l.reason).toBeInstanceOf(VersionConflictError);
        expect(await log.readStream(s)).toHaveLength(2);
      });
    });

    describe('idempotent append', () => {
      it('returns the original result and writes nothing twice', async () => {
        const s = stream('a');
        const batch = branchEvents(3);
        const first = await log.append(s, batch, { expectedRevision: 'no_stream' });
        const again = await log.append(s, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        expect(await log.readStream(s)).toHaveLength(3);
      });

      it('rejects a batch that only partly repeats an earlier one, writing nothing', async () => {
        const s = stream('a');
        const batch = branchEvents(2);
        await log.append(s, batch, { expectedRevision: 'no_stream' });
        const mixed = [batch[1]!, mutated(newId(), 9)];
        await expect(log.append(s, mixed, { expectedRevision: 'any' })).rejects.toThrow(
          VersionConflictError,
        );
        expect(await log.readStream(s)).toHaveLength(2);
      });
    });

    describe('filters', () => {
      it('filters readAll by stream prefix and by event type', async () => {
        const id = newId();
        await log.append(stream('x-1'), [opened(id), mutated(id, 1)], {
          expectedRevision: 'no_stream',
        });
        await log.append(stream('y-1'), branchEvents(2), { expectedRevision: 'no_stream' });
        const xs = await log.readAll({ filter: { streamPrefixes: [stream('x-')] } });
        expect(xs.map((e) => e.stream)).toEqual([stream('x-1'), stream('x-1')]);
        const opens = await log.readAll({
          filter: { streamPrefixes: [prefix], eventTypes: ['BranchOpened'] },
        });
        expect(opens.map((e) => e.stream)).toEqual([stream('x-1'), stream('y-1')]);
        const both = await log.readAll({
          filter: {
            streamPrefixes: [stream('x-'), stream('y-')],
            eventTypes: ['MutationRecorded'],
          },
        });
        expect(both).toHaveLength(2);
      });

      it("splits the log by entity: an entity's stream and its branches' go to one part", async () => {
        const names = streamNames(`p${newId()}`);
        const entities = ['INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5', 'INV-6', 'INV-7'];
        const entityOf = new Map<string, string>();
        for (const id of entities) {
          const b = newId();
          entityOf.set(names.branch(b), id).set(names.entity({ type: 'invoice', id }), id);
          await log.append(names.branch(b), [opened(b, id), mutated(b, 1)], {
            expectedRevision: 'no_stream',
          });
          await log.append(names.entity({ type: 'invoice', id }), [mutated(b, 1)], {
            expectedRevision: 'no_stream',
          });
        }
        const readPart = async (index: number) => {
          // Pages of three, so that a branch's events fall on different pages.
          const filter = {
            streamPrefixes: [`${names.prefix}-`],
            partition: entityPartition({ index, count: 2 }, names),
          };
          const out: RecordedEvent[] = [];
          for (let from = 0; ;) {
            const page = await log.readAll({ fromPosition: from || 'start', limit: 3, filter });
            if (page.length === 0) return out;
            out.push(...page);
            from = page.at(-1)!.position + 1;
          }
        };
        const parts = [await readPart(0), await readPart(1)];
        const all = await log.readAll({ filter: { streamPrefixes: [`${names.prefix}-`] } });
        expect(
          parts
            .flat()
            .map((e) => e.position)
            .sort((a, b) => a - b),
        ).toEqual(all.map((e) => e.position));
        parts.forEach((part, index) => {
          const ids = new Set(part.map((e) => entityOf.get(e.stream)));
          for (const id of ids)
            expect(assignedTo({ type: 'invoice', id: id! }, { index, count: 2 })).toBe(true);
          expect(part).toHaveLength(3 * ids.size);
        });
        expect(parts.every((part) => part.length > 0)).toBe(true);
      });

      it('reads $all from an inclusive position with a limit', async () => {
        await log.append(stream('a'), branchEvents(5), { expectedRevision: 'no_stream' });
        const all = await log.readAll({ filter: mine() });
        const fromThird = await log.readAll({
          fromPosition: all[2]!.position,
          limit: 2,
          filter: mine(),
        });
        expect(fromThird.map((e) => e.revision)).toEqual([2, 3]);
      });
    });

    describe('subscribe', () => {
      it('catches up, then follows live appends', async () => {
        const s = stream('a');
        const id = newId();
        await log.append(s, [opened(id), mutated(id, 1)], { expectedRevision: 'no_stream' });
        const received = take(log.subscribe({ filter: mine(), pageSize: 1 }), 4);
        await new Promise((r) => setTimeout(r, 20));
        await log.append(s, [mutated(id, 2)], { expectedRevision: 1 });
        await log.append(s, [mutated(id, 3)], { expectedRevision: 2 });
        expect((await received).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('resumes after a checkpoint, with neither gaps nor repeats', async () => {
        const s = stream('a');
        await log.append(s, branchEvents(6), { expectedRevision: 'no_stream' });
        const firstThree = await take(log.subscribe({ filter: mine() }), 3);
        const checkpoint = firstThree[2]!.position;
        const rest = await take(log.subscribe({ fromCheckpoint: checkpoint, filter: mine() }), 3);
        expect([...firstThree, ...rest].map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('delivers only what the filter asks for, live as well', async () => {
        const received = take(
          log.subscribe({
            filter: { streamPrefixes: [stream('keep-')], eventTypes: ['BranchOpened'] },
          }),
          2,
        );
        await log.append(stream('drop-1'), branchEvents(3), { expectedRevision: 'no_stream' });
        await log.append(stream('keep-1'), branchEvents(3), { expectedRevision: 'no_stream' });
        await log.append(stream('keep-2'), branchEvents(2), { expectedRevision: 'no_stream' });
        expect((await received).map((e) => `${e.stream}:${e.type}`)).toEqual([
          `${stream('keep-1')}:BranchOpened`,
          `${stream('keep-2')}:BranchOpened`,
        ]);
      });

      it('ends when the signal aborts', async () => {
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const ended = (async () => {
          for await (const e of log.subscribe({ filter: mine(), signal: controller.signal }))
            seen.push(e);
        })();
        await log.append(stream('a'), branchEvents(2), { expectedRevision: 'no_stream' });
        // However slowly a loaded machine delivers: abort once both arrived, then it must end.
        while (seen.length < 2) await new Promise((r) => setTimeout(r, 10));
        controller.abort();
        await ended;
        expect(seen).toHaveLength(2);
      });
    });

    describe('bad input', () => {
      const expectNothingWritten = async () =>
        expect(await log.readAll({ filter: mine() })).toEqual([]);

      it('rejects an invalid stream name', async () => {
        const attempt = log.append(`$${prefix}sys`, [opened()], { expectedRevision: 'any' });
        await expect(attempt).rejects.toThrow(ValidationError);
        await expect(
          log.append(`${prefix} space`, [opened()], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          issues: [expect.objectContaining({ path: '/stream' })],
        });
        await expectNothingWritten();
      });

      it('rejects an unknown event type, naming it', async () => {
        const bogus = { ...opened(), type: 'InvoicePaid' };
        await expect(
          log.append(stream('a'), [bogus as never], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          code: 'VALIDATION',
          issues: [expect.objectContaining({ path: '/events/0/type', received: '"InvoicePaid"' })],
        });
        await expectNothingWritten();
      });

      it('rejects a schema failure with path, expected and received, and writes none of the batch', async () => {
        const good = opened();
        const bad = mutated(newId(), 0);
        const attempt = log.append(stream('a'), [good, bad], { expectedRevision: 'any' });
        await expect(attempt).rejects.toMatchObject({
          issues: [
            expect.objectContaining({
              path: '/events/1/data/seq',
              received: '0',
              expected: 'number of at least 1',
            }),
          ],
        });
        await expectNothingWritten();
      });

      it('rejects prototype keys and non-JSON values', async () => {
        const polluted = mutated(newId(), 1, [
          { op: 'set', path: '/a', value: JSON.parse('{"__proto__":{"x":1}}') as never },
        ]);
        await expect(
          log.append(stream('a'), [polluted], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          issues: [expect.objectContaining({ path: '/events/0/data/ops/0/value/__proto__' })],
        });
        const nan = mutated(newId(), 1, [{ op: 'set', path: '/a', value: Number.NaN }]);
        await expect(
          log.append(stream('a'), [nan], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          issues: [
            expect.objectContaining({ path: '/events/0/data/ops/0/value', received: 'NaN' }),
          ],
        });
        const date = mutated(newId(), 1, [{ op: 'set', path: '/a', value: new Date() as never }]);
        await expect(
          log.append(stream('a'), [date], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          issues: [expect.objectContaining({ received: 'Date' })],
        });
        await expectNothingWritten();
      });

      it('rejects an event over the size limit', async () => {
        const huge = mutated(newId(), 1, [
          { op: 'set', path: '/blob', value: 'x'.repeat(1024 * 1024) },
        ]);
        await expect(
          log.append(stream('a'), [huge], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({
          issues: [
            expect.objectContaining({
              path: '/events/0',
              expected: `at most ${1024 * 1024} bytes`,
            }),
          ],
        });
        await expectNothingWritten();
      });
    });
  });
};
