import type { DriftlessEvent } from '../events/catalogue';
import { StreamNotFoundError, ValidationError } from '../events/errors';
import type { EventLog, RecordedEvent } from '../events/eventLog';
import { mutationDigest } from '../events/hash';
import { createIdGenerator, type IdGenerator } from '../events/ids';
import { newEvent } from '../events/newEvent';
import { opIssues } from '../events/parseEvent';
import type { EntityRef } from '../events/schemas/common';
import type { Op } from '../events/schemas/ops';
import { streamNames, type StreamNames } from '../events/streams';
import type { Json } from '../reconcilers/json';
import { waitForOutcome, type CommitOutcome, type OutcomeOptions } from './branchOutcome';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

export interface OpenBranchOptions {
  log: EventLog;
  entity: EntityRef;
  phase: string;
  actor: string;
  /**
   * The version id to start from, `null` for a new entity, or `'head'`, resolved to the
   * entity's current head now (and recorded). @defaultValue 'head'
   */
  from?: string | null;
  /** An ISO time after which the promoter abandons the branch if it has not committed. */
  deadline?: string;
  streams?: StreamNames;
  ids?: IdGenerator;
  /** The clock of the events' `recordedAt`. @defaultValue Date.now */
  now?: () => number;
  retry?: RetryPolicy;
}

type OpOptions = { confidence?: number; reason?: string };

/** One branch's writer: ops are buffered, then recorded by `save` or `commit`. */
export interface BranchWriter {
  readonly branchId: string;
  readonly baseVersionId: string | null;
  set(path: string, value: Json, options?: OpOptions): BranchWriter;
  unset(path: string, options?: OpOptions): BranchWriter;
  upsert(path: string, element: Record<string, Json>, options?: OpOptions): BranchWriter;
  remove(path: string, key: string | number | boolean, options?: OpOptions): BranchWriter;
  add(path: string, member: string | number | boolean, options?: OpOptions): BranchWriter;
  /** Records the buffered ops as one mutation. */
  save(): Promise<void>;
  /**
   * Records the buffered ops, then the commit with its count and digest, in one append. Called
   * again (say after it failed while the log was down), it only sends what did not go out.
   * After it, any other write throws a ValidationError.
   */
  commit(): Promise<void>;
  /** Ends the branch without a result; like `commit`, once. */
  abandon(reason: string): Promise<void>;
  /**
   * After `commit`, waits for the promoter's verdict: promoted (the version), or quarantined
   * (the violations: work again from the new head, or wait for an operator); `abandoned` at
   * once after `abandon`. With a signal that aborts first, `{ status: 'committed' }`.
   */
  outcome(options?: OutcomeOptions): Promise<CommitOutcome>;
}

/**
 * The head version of an entity: the last VersionPromoted of its stream, read from the end a
 * page at a time; null when it has none. Only a missing stream means none: a log that failed
 * to answer is retried, and its error thrown, never taken for "no head".
 */
export const headOf = async (
  log: EventLog,
  stream: string,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<string | null> => {
  const PAGE = 1000;
  for (let from: number | 'end' = 'end'; ;) {
    const start: number | 'end' = from;
    const page: RecordedEvent[] = await withRetry(
      () => log.readStream(stream, { direction: 'backwards', from: start, limit: PAGE }),
      retry,
    ).catch((error: unknown) => {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    });
    const last = page.find((e) => e.type === 'VersionPromoted');
    if (last?.type === 'VersionPromoted') return last.data.versionId;
    if (page.length < PAGE || page.at(-1)!.revision === 0) return null;
    from = page.at(-1)!.revision - 1;
  }
};

/**
 * Opens a branch: records BranchOpened on the branch's own stream. The writer appends with
 * expected revisions and retries retriable failures with the same events, which the log
 * recognises by id, so nothing is ever written twice.
 */
export const openBranch = async (options: OpenBranchOptions): Promise<BranchWriter> => {
  const { log, entity, phase, actor } = options;
  // A deadline already past would only have the promoter abandon the branch (or, committed
  // first, promote it regardless): a mistake to say now. An unreadable one the schema refuses.
  const now = (options.now ?? Date.now)();
  if (options.deadline !== undefined && Date.parse(options.deadline) <= now)
    throw new ValidationError(
      [
        {
          path: '/deadline',
          expected: `a time after now (${new Date(now).toISOString()})`,
          received: options.deadline,
          message: 'the deadline has already passed',
        },
      ],
      `cannot open a branch on ${entity.type}/${entity.id}`,
    );
  const streams = options.streams ?? streamNames();
  const ids = options.ids ?? createIdGenerator();
  const from = options.from ?? 'head';
  const baseVersionId =
    from === 'head' ? await headOf(log, streams.entity(entity), options.retry) : from;
  const branchId = ids();
  const stream = streams.branch(branchId);
  let revision: number | 'no_stream' = 'no_stream';
  let position = 0;
  let abandonReason = '';
  let pending: Op[] = [];
  const recorded: Op[][] = [];
  const meta = { actor, ids, ...(options.now === undefined ? {} : { now: options.now }) };
  // Batches that failed wait here and go out first, in order, each unchanged and alone: same
  // ids, so if one did land the log answers with the original result, and nothing is recorded
  // twice or skipped.
  const queue: DriftlessEvent[][] = [];
  // Set when the commit or abandonment is built: calling it again only sends what did not go out.
  let ended: 'committed' | 'abandoned' | undefined;
  // A batch the log refused (a ValidationError: an event over its size limit) wrote nothing;
  // the batches queued behind it build on it, so none can go: only abandon() is left.
  let refused: ValidationError | undefined;
  const drain = async () => {
    while (queue.length > 0) {
      const expected = revision;
      const result = await withRetry(
        () => log.append(stream, queue[0]!, { expectedRevision: expected }),
        options.retry ?? DEFAULT_RETRY,
      ).catch((error: unknown) => {
        if (error instanceof ValidationError) {
          refused = error;
          queue.length = 0;
          ended = undefined; // a refused commit did not end the branch
        }
        throw error;
      });
      revision = result.nextRevision;
      position = result.position;
      queue.shift();
    }
  };
  const write = async (events: DriftlessEvent[]) => {
    queue.push(events);
    await drain();
  };
  const refuse = (expected: string, received: string, message: string) =>
    new ValidationError([{ path: '/branchId', expected, received, message }], `branch ${branchId}`);
  const stillOpen = (what: string) => {
    if (ended !== undefined)
      throw refuse(
        'an open branch',
        `a branch already ${ended}`,
        `${what} after the branch was ${ended}`,
      );
    if (refused !== undefined)
      throw refuse(
        'abandon() after the log refused a write',
        refused.message,
        `${what} after the log refused a write of this branch`,
      );
  };
  const end = async (how: 'committed' | 'abandoned', events: () => DriftlessEvent[]) => {
    if (ended === how) return drain();
    if (how === 'abandoned' && refused !== undefined) refused = undefined;
    stillOpen(how === 'committed' ? 'commit' : 'abandon');
    const batch = events();
    ended = how;
    await write(batch);
  };
  const mutation = () => {
    const ops = pending;
    pending = [];
    recorded.push(ops);
    return newEvent('MutationRecorded', { branchId, seq: recorded.length, ops }, meta);
  };
  const opened = {
    branchId,
    entity,
    baseVersionId,
    phase,
    actor,
    ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
  };
  await write([newEvent('BranchOpened', opened, meta)]);
  // Checked here, so a bad value is refused at the call that gave it, never in a batch.
  const push = (op: Op, o: OpOptions = {}) => {
    stillOpen(op.op);
    const checked = { ...op, ...o };
    const issues = opIssues(checked);
    if (issues.length > 0)
      throw new ValidationError(
        issues,
        `${op.op} ${JSON.stringify(op.path)} on branch ${branchId}`,
      );
    pending.push(checked);
    return writer;
  };
  const writer: BranchWriter = {
    branchId,
    baseVersionId,
    set: (path, value, o) => push({ op: 'set', path, value }, o),
    unset: (path, o) => push({ op: 'unset', path }, o),
    upsert: (path, element, o) => push({ op: 'upsert', path, value: element }, o),
    remove: (path, key, o) => push({ op: 'remove', path, key }, o),
    add: (path, member, o) => push({ op: 'add', path, value: member }, o),
    save: async () => {
      stillOpen('save');
      if (pending.length > 0) await write([mutation()]);
    },
    commit: () =>
      end('committed', () => [
        ...(pending.length > 0 ? [mutation()] : []),
        newEvent(
          'BranchCommitted',
          { branchId, mutationCount: recorded.length, digest: mutationDigest(recorded) },
          meta,
        ),
      ]),
    abandon: (reason) =>
      end('abandoned', () => {
        abandonReason = reason;
        return [newEvent('BranchAbandoned', { branchId, reason }, meta)];
      }),
    outcome: async (wait) => {
      if (ended === undefined || queue.length > 0)
        throw refuse(
          'a committed branch',
          ended === undefined ? 'an open branch' : `a ${ended} branch whose last write failed`,
          ended === undefined
            ? 'outcome() waits for a verdict on a commit: commit() first'
            : `outcome() after the ${ended === 'committed' ? 'commit' : 'abandonment'} reached the log: call ${ended === 'committed' ? 'commit' : 'abandon'}() again`,
        );
      if (ended === 'abandoned') return { status: 'abandoned', reason: abandonReason };
      return waitForOutcome({
        log,
        stream: streams.entity(entity),
        branchId,
        after: position,
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(wait === undefined ? {} : { wait }),
      });
    },
  };
  return writer;
};
