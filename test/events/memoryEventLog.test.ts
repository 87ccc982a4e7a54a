import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { describeEventLogContract } from '../contracts/eventLog.contract';

describeEventLogContract('memory', { create: async () => createMemoryEventLog() });
