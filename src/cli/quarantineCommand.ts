import { ValidationError } from '../events/errors';
import {
  discardQuarantine,
  listQuarantine,
  releaseQuarantine,
  showQuarantine,
  type QuarantineEntry,
} from '../promoter/quarantine';
import type { ServiceConfig } from '../service/config';
import { openService } from '../service/openService';

export interface QuarantineArgs {
  action: 'list' | 'show' | 'release' | 'discard';
  branchId?: string;
  reason?: string;
  by: string;
  json: boolean;
}

const needed = (value: string | undefined, what: string, example: string): string => {
  if (value !== undefined && value !== '') return value;
  throw new ValidationError([
    { path: `/${what}`, expected: example, received: 'nothing', message: `${what} is missing` },
  ]);
};

const summary = (e: QuarantineEntry) =>
  `${e.branchId}  ${e.entity.type}/${e.entity.id}  ${[...new Set(e.violations.map((v) => v.code))].join(', ')}`;

/**
 * `driftless quarantine list|show|release|discard`: brings the projections up to date, then
 * answers from them or records the decision in the log. A running `serve` acts on it next round.
 */
export const quarantineCommand = async (
  config: ServiceConfig,
  args: QuarantineArgs,
  out: (text: string) => void = (text) => console.log(text),
): Promise<number> => {
  const service = await openService(config);
  try {
    await service.promoter.catchUp();
    const { store, log } = service;
    if (args.action === 'list') {
      const entries = listQuarantine(store);
      if (args.json) out(JSON.stringify(entries));
      else if (entries.length === 0) out('quarantine is empty');
      else out([`${entries.length} quarantined:`, ...entries.map(summary)].join('\n'));
      return 0;
    }
    const branchId = needed(args.branchId, 'branchId', 'driftless quarantine <action> <branchId>');
    if (args.action === 'show') {
      const entry = showQuarantine(store, branchId);
      if (entry === undefined) {
        out(
          `${branchId} is not in quarantine (${store.branch(branchId)?.status ?? 'unknown branch'})`,
        );
        return 1;
      }
      out(JSON.stringify(entry, null, 2));
      return 0;
    }
    const reason = needed(args.reason, 'reason', '--reason "why"');
    const act = args.action === 'release' ? releaseQuarantine : discardQuarantine;
    await act({ log, store, branchId, by: args.by, reason });
    out(
      args.action === 'release'
        ? `released ${branchId}: the promoter puts it through the gate again`
        : `discarded ${branchId}: recorded as abandoned`,
    );
    return 0;
  } finally {
    await service.close();
  }
};
