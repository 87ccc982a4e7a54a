import { existsSync } from 'node:fs';
import { z } from 'zod';
import { createSqliteEventLog } from '../../src/events/sqlite/sqliteEventLog';
import { defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createEmbeddedTopic, type TopicRecord } from '../../src/publishers/embedded/embeddedTopic';
import {
  consumeEmbeddedTopic,
  HandlerFailedError,
} from '../../src/publishers/embedded/topicConsumer';
import { createPublisher } from '../../src/publishers/publisher';
import { tempDir } from '../support/tempDir';
import { createWorld } from '../support/world';

const invoice = defineEntity({ type: 'invoice', schema: z.object({}).loose() });
const dir = tempDir('topic-consumer');
afterAll(() => dir.remove());

/** A log with `n` promotions of { n: 0.. } published to the embedded topic of its file. */
const topicFile = async (name: string, n: number) => {
  const path = dir.file(name);
  const log = createSqliteEventLog({ path });
  const world = createWorld([invoice], log);
  const store = openProjectionStore(path);
  const topic = createEmbeddedTopic({ path });
  let promoted = 0;
  const promote = async (count: number) => {
    for (let i = 0; i < count; i++, promoted++)
      await world.promote({ type: 'invoice', id: `INV-${promoted % 3}` }, { n: promoted });
    await createPublisher({ log, sink: topic, store }).catchUp();
  };
  await promote(n);
  const close = async () => {
    await topic.close();
    store.close();
    await log.close();
  };
  return { path, promote, close };
};

/** Runs a consumer until it has seen `count` snapshots (or fails), then stops it. */
const consumeUntil = async (
  path: string,
  group: string,
  count: number,
  handler: (r: TopicRecord) => void | Promise<void> = () => undefined,
) => {
  const stop = new AbortController();
  const seen: number[] = [];
  await consumeEmbeddedTopic({
    path,
    group,
    pollMs: 10,
    signal: stop.signal,
    handler: async (r) => {
      await handler(r);
      seen.push((r.snapshot.doc as { n: number }).n);
      if (seen.length >= count) stop.abort();
    },
  });
  return seen;
};

describe('consuming the embedded topic', () => {
  it('hands over every snapshot in order, and a group goes on from its committed offset', async () => {
    const file = await topicFile('groups.sqlite', 5);
    expect(await consumeUntil(file.path, 'billing', 3)).toEqual([0, 1, 2]);
    // Restarted, billing goes on after what it took; another group starts at the beginning.
    await file.promote(2);
    expect(await consumeUntil(file.path, 'billing', 4)).toEqual([3, 4, 5, 6]);
    expect(await consumeUntil(file.path, 'search', 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await file.close();
  });

  it('refuses a file that is not there instead of creating an empty one', async () => {
    const path = dir.file('typo.sqlite');
    await expect(
      consumeEmbeddedTopic({ path, group: 'g', handler: () => undefined }),
    ).rejects.toThrow(
      `cannot consume the embedded topic: at "/path": no such file (expected the SQLite file serve (or demo) publishes to, received ${path})`,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('waits for snapshots published while it runs', async () => {
    const file = await topicFile('follow.sqlite', 1);
    const consumed = consumeUntil(file.path, 'live', 4);
    await new Promise((r) => setTimeout(r, 50));
    await file.promote(3);
    expect(await consumed).toEqual([0, 1, 2, 3]);
    await file.close();
  });

  it('tries a failing handler again, then stops with the offset left on the snapshot it failed', async () => {
    const file = await topicFile('failing.sqlite', 3);
    let calls = 0;
    const flaky = consumeUntil(file.path, 'flaky', 3, (r) => {
      if (r.offset === 2 && ++calls < 3) throw new Error('warehouse busy');
    });
    expect(await flaky).toEqual([0, 1, 2]);
    expect(calls).toBe(3);

    const broken = consumeEmbeddedTopic({
      path: file.path,
      group: 'broken',
      handlerRetry: { attempts: 2, initialDelayMs: 5 },
      handler: (r) => {
        if (r.offset === 2) throw new Error('no such customer');
      },
    });
    await expect(broken).rejects.toThrow(HandlerFailedError);
    await expect(broken).rejects.toMatchObject({
      code: 'HANDLER_FAILED',
      record: { offset: 2 },
      cause: new Error('no such customer'),
    });
    await expect(broken).rejects.toThrow(
      /^handler failed 2 times on offset 2 \(version \w+ of invoice\/INV-1\): no such customer; the group's offset stays there/,
    );
    // Fixed and restarted, the group starts again at the snapshot it failed on.
    expect(await consumeUntil(file.path, 'broken', 2)).toEqual([1, 2]);
    await file.close();
  });
});
