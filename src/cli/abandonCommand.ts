import { abandonOpenBranch, actionTook } from '../promoter/quarantine';
import type { ServiceConfig } from '../service/config';
import { openCaughtUp } from './catchUp';

/**
 * `driftless abandon <branchId> --reason R`: ends an open branch whose writer is gone (crashed
 * without a deadline), and says whether it took: the writer's commit may have come first.
 */
export const abandonCommand = async (
  config: ServiceConfig,
  args: { branchId: string; reason: string; by: string },
  out: (text: string) => void = (text) => console.log(text),
): Promise<number> => {
  const service = await openCaughtUp(config);
  try {
    const { log, store, promoter } = service;
    await abandonOpenBranch({ log, store, ...args });
    await promoter.catchUp();
    const { took, status } = actionTook(store, args.branchId, 'abandon');
    out(
      took
        ? `abandoned ${args.branchId}: it will never be promoted`
        : `did not abandon ${args.branchId}: its commit reached the log first (now ${status}); the abandon changed nothing`,
    );
    return took ? 0 : 1;
  } finally {
    await service.close();
  }
};
