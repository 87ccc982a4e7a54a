import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalBroker } from './localBroker';

/** Stops the run's broker and drops its data; its config and server.log stay for diagnosis. */
export default async (): Promise<void> => {
  const broker = (globalThis as { driftlessKafka?: LocalBroker }).driftlessKafka;
  if (broker === undefined) return;
  await broker.stop();
  rmSync(join(broker.dir, 'data'), { recursive: true, force: true });
};
