import { LogUnavailableError, ValidationError } from '../../src/events/errors';
import type { EventLog } from '../../src/events/eventLog';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { newEvent } from '../../src/events/newEvent';
import { streamNames } from '../../src/events/streams';
import { z } from 'zod';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';

const invoice = defineEntity({
  type: 'invoice',
  schema: z.object({}).loose(),
  collections: { '/lines': { key: 'sku' }, '/tags': 'set' },
});
const INV = { type: 'invoice', id: 'INV-1' };
const streams = streamNames('sdk');
const fast = { attempts: 5, initialDelayMs: 1 };

/** A real log whose first `n` appends land but whose acknowledgement is lost. */
const losingAcks = (log: EventLog, n: number): EventLog => ({
  ...log,
  append: async (stream, events, options) => {
    const result = await log.append(stream, events, options);
    if (n-- > 0) throw new LogUnavailableError('connection reset after the write');
    return result;
  },
});

/** A real log that refuses every append while `down` is true. */
const outage = (log: EventLog) => {
  const state = { down: false };
  const wrapped: EventLog = {
    ...log,
    append: async (stream, events, options) => {
      if (state.down) throw new LogUnavailableError('log down');
      return log.append(stream, events, options);
    },
  };
  return { log: wrapped, state };
};

/** A branch on a memory log that is down while `state.down`, one attempt per write. */
const branchDuringOutages = async () => {
  const memory = createMemoryEventLog();
  const { log, state } = outage(memory);
  const branch = await openBranch({
    log,
    entity: INV,
    phase: 'p',
    actor: 'a',
    streams,
    from: null,
    retry: { attempts: 1, initialDelayMs: 1 },
  });
  return { memory, state, branch };
};

/** A new branch of INV-1 (no base) on `log`. */
const freshBranch = (log: EventLog) =>
  openBranch({ log, entity: INV, phase: 'p', actor: 'a', streams, from: null });

describe('branch writer SDK', () => {
  it('opens from the head, records ops and commits; the promoter promotes the result', async () => {
    const log = createMemoryEventLog();
    const promoter = createPromoter({
      log,
      store: openProjectionStore(':memory:'),
      registry: createRegistry([invoice]),
      streams,
    });
    const first = await openBranch({
      log,
      entity: INV,
      phase: 'reasoning',
      actor: 'extractor',
      streams,
      from: null,
    });
    await first
      .set('/total', 10, { confidence: 0.9 })
      .upsert('/lines', { sku: 'A', qty: 1 })
      .add('/tags', 'new')
      .commit();
    await promoter.runOnce();
    const second = await openBranch({
      log,
      entity: INV,
      phase: 'reasoning',
      actor: 'tax',
      streams,
    });
    expect(second.baseVersionId).not.toBeNull();
    second.set('/lines/A/qty', 2);
    await second.save();
    await second.remove('/tags', 'new').commit();
    await promoter.runOnce();
    const versions = await log.readAll({ filter: { eventTypes: ['VersionPromoted'] } });
    const last = versions.at(-1)!;
    expect(last.type === 'VersionPromoted' && last.data.doc).toEqual({
      total: 10,
      lines: [{ sku: 'A', qty: 2 }],
      tags: [],
    });
  });

  it('retries a write whose acknowledgement was lost without writing anything twice', async () => {
    const log = createMemoryEventLog();
    const branch = await openBranch({
      log: losingAcks(log, 2),
      entity: INV,
      phase: 'p',
      actor: 'a',
      streams,
      from: null,
      retry: fast,
    });
    await branch.set('/a', 1).commit();
    expect((await log.readStream(streams.branch(branch.branchId))).map((e) => e.type)).toEqual([
      'BranchOpened',
      'MutationRecorded',
      'BranchCommitted',
    ]);
  });

  const typesAndSeqs = async (log: EventLog, branchId: string) =>
    (await log.readStream(streams.branch(branchId))).map((e) =>
      e.type === 'MutationRecorded' ? e.data.seq : e.type,
    );

  it.each([1, 2])(
    'keeps every batch that failed (%i), in order, and sends them first next time, so the commit matches',
    async (failed) => {
      const { memory, state, branch } = await branchDuringOutages();
      state.down = true;
      for (let n = 1; n <= failed; n++)
        await expect(branch.set(`/f${n}`, n).save()).rejects.toThrow(LogUnavailableError);
      state.down = false;
      await branch.set('/last', 0).commit();
      const seqs = Array.from({ length: failed + 1 }, (_, n) => n + 1);
      expect(await typesAndSeqs(memory, branch.branchId)).toEqual([
        'BranchOpened',
        ...seqs,
        'BranchCommitted',
      ]);
      const commit = (await memory.readStream(streams.branch(branch.branchId))).at(-1)!;
      expect(commit.type === 'BranchCommitted' && commit.data.mutationCount).toBe(failed + 1);
    },
  );

  it('commits once: a commit called again after it failed sends the same commit, and nothing more', async () => {
    const { memory, state, branch } = await branchDuringOutages();
    state.down = true;
    await expect(branch.set('/a', 1).commit()).rejects.toThrow(LogUnavailableError);
    state.down = false;
    await branch.commit();
    await branch.commit();
    expect(await typesAndSeqs(memory, branch.branchId)).toEqual([
      'BranchOpened',
      1,
      'BranchCommitted',
    ]);
    // Promoted, not quarantined for a second commit.
    const store = openProjectionStore(':memory:');
    const promoter = createPromoter({
      log: memory,
      store,
      registry: createRegistry([invoice]),
      streams,
    });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
  });

  it('refuses writes after the branch ended, naming it and how it ended', async () => {
    const log = createMemoryEventLog();
    const committed = await freshBranch(log);
    await committed.set('/a', 1).commit();
    expect(() => committed.set('/b', 2)).toThrow(
      new RegExp(
        `^branch ${committed.branchId}: at "/branchId": set after the branch was committed`,
      ),
    );
    await expect(committed.save()).rejects.toThrow(ValidationError);
    await expect(committed.abandon('changed my mind')).rejects.toThrow(
      /abandon after the branch was committed/,
    );
    const abandoned = await freshBranch(log);
    await abandoned.abandon('not needed');
    await expect(abandoned.commit()).rejects.toThrow(/commit after the branch was abandoned/);
    expect(await typesAndSeqs(log, abandoned.branchId)).toEqual([
      'BranchOpened',
      'BranchAbandoned',
    ]);
  });

  it('refuses a deadline that has already passed, before writing anything', async () => {
    const log = createMemoryEventLog();
    const now = Date.parse('2026-11-26T12:00:00Z');
    const open = (deadline: string) =>
      openBranch({
        log,
        entity: INV,
        phase: 'p',
        actor: 'a',
        from: null,
        deadline,
        now: () => now,
      });
    await expect(open('2026-11-26T11:59:59Z')).rejects.toThrow(
      'cannot open a branch on invoice/INV-1: at "/deadline": the deadline has already passed (expected a time after now (2026-11-26T12:00:00.000Z), received 2026-11-26T11:59:59Z)',
    );
    expect(await log.readAll({ fromPosition: 'start' })).toEqual([]);
    await expect(open('2026-11-26T12:00:01Z')).resolves.toMatchObject({ baseVersionId: null });
  });

  it('refuses a bad op at the call that gave it; the branch goes on and commits what was valid', async () => {
    const log = createMemoryEventLog();
    const branch = await freshBranch(log);
    const refusal = (write: () => unknown) => {
      try {
        write();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(() => branch.set('/total', Number.NaN))).toBe(
      `set "/total" on branch ${branch.branchId}: at "/value": numbers must be finite (expected a JSON value, received NaN)`,
    );
    expect(refusal(() => branch.set('total', 1))).toMatch(
      /^set "total" on branch \w+: at "\/path": a JSON pointer like "\/vendor\/name"/,
    );
    expect(refusal(() => branch.set('/note', 'x', { confidence: 2 }))).toMatch(
      /at "\/confidence": .*expected number of at most 1, received 2/,
    );
    expect(refusal(() => branch.upsert('/lines', { sku: 'A', at: new Date() as never }))).toMatch(
      /^upsert "\/lines" on branch \w+: at "\/value\/at": /,
    );
    // Valid pointers no op may take: the gate would quarantine the whole branch for them.
    expect(refusal(() => branch.set('', { total: 1 }))).toBe(
      `set "" on branch ${branch.branchId}: at "/path": the whole document cannot be replaced (expected a path below the root, received "")`,
    );
    expect(refusal(() => branch.unset('/__proto__/polluted'))).toMatch(
      /^unset "\/__proto__\/polluted" on branch \w+: at "\/path": prototype keys are not allowed/,
    );
    expect(refusal(() => branch.set('/total', 10))).toBe('accepted');
    await branch.commit();
    const store = openProjectionStore(':memory:');
    const promoter = createPromoter({ log, store, registry: createRegistry([invoice]), streams });
    expect(await promoter.runOnce()).toMatchObject({ promoted: 1, quarantined: 0 });
    expect(store.head(INV) && store.version(store.head(INV)!.versionId)?.doc).toEqual({
      total: 10,
    });
  });

  it('after the log refused a write (an event over its size limit) only abandon() is left, and it works', async () => {
    const log = createMemoryEventLog({ maxEventBytes: 2000 });
    const branch = await freshBranch(log);
    await branch.set('/small', 1).save();
    await expect(branch.set('/big', 'x'.repeat(5000)).save()).rejects.toThrow(/event too large/);
    expect(() => branch.set('/small', 2)).toThrow(
      /set after the log refused a write of this branch \(expected abandon\(\) after the log refused a write/,
    );
    await expect(branch.commit()).rejects.toThrow(/commit after the log refused a write/);
    await branch.abandon('a document too large for the log');
    expect(await typesAndSeqs(log, branch.branchId)).toEqual([
      'BranchOpened',
      1,
      'BranchAbandoned',
    ]);
    // A refused commit leaves the branch open too: abandon() still ends it.
    const other = await freshBranch(log);
    await expect(other.set('/big', 'x'.repeat(5000)).commit()).rejects.toThrow(/event too large/);
    await other.abandon('too large');
    expect(await typesAndSeqs(log, other.branchId)).toEqual(['BranchOpened', 'BranchAbandoned']);
  });

  /** A log with one promoted version of INV-1, and its id. */
  const promotedOnce = async () => {
    const log = createMemoryEventLog();
    const first = await freshBranch(log);
    await first.set('/total', 1).commit();
    const store = openProjectionStore(':memory:');
    await createPromoter({ log, store, registry: createRegistry([invoice]), streams }).runOnce();
    return { log, head: store.head(INV)!.versionId };
  };

  it('opens from the head even when over a thousand entity events followed it', async () => {
    const { log, head } = await promotedOnce();
    const seals = Array.from({ length: 1005 }, (_, i) =>
      newEvent('PhaseSealed', { entity: INV, phase: `p${i}`, versionId: head }, { actor: 'ops' }),
    );
    await log.append(streams.entity(INV), seals, { expectedRevision: 'any' });
    const branch = await openBranch({ log, entity: INV, phase: 'p', actor: 'a', streams });
    expect(branch.baseVersionId).toBe(head);
  });

  it('never takes a log that failed to answer for an entity with no head', async () => {
    const { log, head } = await promotedOnce();
    let failures = 1;
    const flaky: EventLog = {
      ...log,
      readStream: async (stream, options) => {
        if (failures-- > 0) throw new LogUnavailableError('connection reset');
        return log.readStream(stream, options);
      },
    };
    const open = () =>
      openBranch({ log: flaky, entity: INV, phase: 'p', actor: 'a', streams, retry: fast });
    expect((await open()).baseVersionId).toBe(head); // retried
    failures = 100;
    await expect(open()).rejects.toThrow(LogUnavailableError); // not a branch of nothing
  });
});
