import type { ServiceConfig } from '../service/config';
import { openService, type OpenService } from '../service/openService';

type Print = (line: string) => void;
const toStderr: Print = (line) => void process.stderr.write(`${line}\n`);

export interface CatchUpOptions {
  out?: Print;
  /** The least time between two lines, and before the first. @defaultValue 1000 */
  everyMs?: number;
}

/**
 * A line every `everyMs` on how far the projections got while they catch up with the log (a
 * fresh state file on EventStoreDB is rebuilt from all of it), and one when they are done;
 * nothing when that is quicker.
 */
export const catchUpProgress = ({ out = toStderr, everyMs = 1000 }: CatchUpOptions = {}) => {
  const started = Date.now();
  let from = 0;
  let end = 0;
  let position = 0;
  let last = started;
  let appliedAt = started;
  let said = false;
  let done = false;
  const line = (what: string) => {
    const seconds = (appliedAt - started) / 1000;
    const applied = position - from;
    return `${what}: ${applied.toLocaleString('en-US')} events applied in ${seconds.toFixed(1)} s (${Math.round(applied / Math.max(seconds, 0.001)).toLocaleString('en-US')}/s), at log position ${position}${end > 0 ? ` of ${end}` : ''}`;
  };
  return {
    /** Where the projections stood before catching up, and where the log ended then (0: unknown). */
    start: (at: number, logEnd: number) => {
      from = position = at;
      end = logEnd;
    },
    /** For the promoter's `onApplied`. */
    onApplied: (at: number) => {
      position = at;
      appliedAt = Date.now();
      if (done || appliedAt - last < everyMs) return;
      last = appliedAt;
      said = true;
      out(line('catching up with the log'));
    },
    finish: () => {
      if (said && !done) out(line(position >= end ? 'caught up' : 'stopped catching up'));
      done = true;
    },
  };
};

/** The configured service with its projections brought up to date, saying so when that is slow. */
export const openCaughtUp = async (
  config: ServiceConfig,
  options: CatchUpOptions = {},
): Promise<OpenService> => {
  const progress = catchUpProgress(options);
  const service = await openService(config, { onApplied: progress.onApplied });
  try {
    progress.start(service.promoter.position(), await service.log.endPosition());
    await service.promoter.catchUp();
  } catch (error) {
    await service.close();
    throw error;
  }
  progress.finish();
  return service;
};
