import { StreamNotFoundError } from '../../src/events/errors';
import { createEventStoreDbEventLog } from '../../src/events/esdb/eventStoreDbEventLog';
import { describeEventLogContract } from '../contracts/eventLog.contract';
import { startEsdbTarget, type EsdbTarget } from '../support/esdbTarget';

let target: EsdbTarget;
beforeAll(async () => {
  target = await startEsdbTarget();
});
afterAll(() => target.stop());

describeEventLogContract(process.env.EVENTSTORE_URL ? 'EventStoreDB' : 'EventStoreDB (emulator)', {
  create: async () => {
    const log = createEventStoreDbEventLog({ connectionString: target.url });
    // Connect first, as a long-running service would have: the contract times live delivery.
    await expect(log.readStream('warm-up')).rejects.toThrow(StreamNotFoundError);
    return log;
  },
});
