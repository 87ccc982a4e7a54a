import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityRef } from '../events/schemas/common';
import { createEmbeddedTopic, type TopicRecord } from '../publishers/embedded/embeddedTopic';
import type { ServiceConfig } from '../service/config';
import { UsageError } from './cliOptions';

export interface SnapshotsArgs {
  /** The first offset to print. */
  from: number;
  /** At most this many. @defaultValue all */
  limit?: number;
  entity?: EntityRef;
  /** Wait for new snapshots (every `pollMs`) until `signal` aborts. */
  follow: boolean;
  json: boolean;
  signal?: AbortSignal;
}

const PAGE = 1000;

const line = ({ offset, snapshot: s }: TopicRecord) =>
  [
    String(offset).padStart(7),
    `${s.entity.type}/${s.entity.id}`.padEnd(20),
    s.versionId,
    String(s.depth).padStart(5),
    s.phase.padEnd(14),
    s.hash.slice(0, 12),
    s.promotedAt,
  ].join('  ');

/**
 * `driftless snapshots`: the promoted snapshots in the embedded topic, oldest first, one line
 * each (`--json`: one JSON object per line, the snapshot with its offset); `--follow` prints
 * new ones as they are published. Reads the state file only: no entity types needed.
 */
export const snapshotsCommand = async (
  config: Pick<ServiceConfig, 'state' | 'pollMs' | 'kafka'>,
  args: SnapshotsArgs,
  out: (text: string) => void = (text) => console.log(text),
  note: (text: string) => void = (text) => console.error(text),
): Promise<number> => {
  if (!existsSync(config.state))
    throw new UsageError(`no embedded topic at ${config.state}: serve or demo writes one there`);
  if (config.kafka)
    note(
      `serve is configured to publish to Kafka (topics ${config.kafka.prefix}.*): the embedded topic holds only what was published before`,
    );
  const topic = createEmbeddedTopic({ path: config.state });
  let next = args.from;
  let left = args.limit ?? Infinity;
  let printed = 0;
  const header = `${'offset'.padStart(7)}  ${'entity'.padEnd(20)}  ${'version'.padEnd(26)}  depth  ${'phase'.padEnd(14)}  ${'hash'.padEnd(12)}  promoted at`;
  try {
    while (left > 0 && args.signal?.aborted !== true) {
      const page = topic.read({
        fromOffset: next,
        limit: Math.min(PAGE, left),
        ...(args.entity === undefined ? {} : { entity: args.entity }),
      });
      if (printed === 0 && page.length > 0 && !args.json) out(header);
      for (const r of page)
        out(args.json ? JSON.stringify({ offset: r.offset, ...r.snapshot }) : line(r));
      printed += page.length;
      left -= page.length;
      if (page.length > 0) next = page.at(-1)!.offset + 1;
      if (page.length === PAGE) continue;
      if (!args.follow) break;
      await sleep(Math.max(config.pollMs, 100), undefined, { signal: args.signal }).catch(
        () => undefined, // aborted: the loop ends
      );
    }
  } finally {
    await topic.close();
  }
  if (printed === 0 && !args.follow)
    note(
      `no snapshots${args.entity ? ` of ${args.entity.type}/${args.entity.id}` : ''} from offset ${args.from} in ${config.state}`,
    );
  return 0;
};
