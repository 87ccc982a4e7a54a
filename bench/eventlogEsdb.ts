import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createEventStoreDbEventLog } from '../src/events/esdb/eventStoreDbEventLog';
import { createIdGenerator } from '../src/events/ids';
import type { BenchArgs } from './args';
import type { PerBatchSize } from './eventlogReport';
import { appendRates, bigLogRates, type BigLogResult } from './logRates';
import { formatRate, progress } from './measure';

/** Where the benchmark runs: EVENTSTORE_URL, or the emulator in a worker thread. */
const target = async () => {
  const url = process.env.EVENTSTORE_URL;
  if (url !== undefined && url !== '') return { url, server: 'EventStoreDB', stop: async () => {} };
  const worker = new Worker(join(__dirname, 'esdbEmulatorWorker.js'));
  const emulatorUrl = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url: emulatorUrl,
    server: 'emulator (worker thread)',
    stop: async () => void (await worker.terminate()),
  };
};

const printEsdbReport = (
  args: BenchArgs,
  server: string,
  result: BigLogResult & { appendPerSec: PerBatchSize },
): void => {
  const machine = { cpus: cpus().length, node: process.version };
  const rounded = (r: PerBatchSize) => ({
    '1': Math.round(r['1']),
    '10': Math.round(r['10']),
    '100': Math.round(r['100']),
  });
  if (args.json) {
    const { appendPerSec, readPerSec, subscribePerSec, fillSeconds } = result;
    const report = {
      server,
      appendPerSec: rounded(appendPerSec),
      readPerSec: Math.round(readPerSec),
      subscribePerSec: Math.round(subscribePerSec),
      events: args.events,
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      command: args.command,
      machine,
    };
    return console.log(JSON.stringify(report));
  }
  const sizes = ['1', '10', '100'] as const;
  const note =
    server === 'EventStoreDB'
      ? 'a real server: adapter, client, network and server together'
      : 'the emulator: protocol and client overhead over local gRPC, NOT server speed';
  console.log(
    [
      `Event log benchmark: EventStoreDB adapter against ${server}`,
      `(${note})`,
      `command: ${args.command}`,
      `machine: ${machine.cpus} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${machine.node}`,
      '',
      'events per append'.padEnd(26) + sizes.map((s) => s.padStart(22)).join(''),
      'EventLog.append'.padEnd(26) +
        sizes.map((s) => formatRate(result.appendPerSec[s]).padStart(22)).join(''),
      '',
      `big log: ${args.events.toLocaleString('en-US')} events, filled in ${result.fillSeconds.toFixed(1)} s (100 per append)`,
      `readAll, pages of 1000:    ${formatRate(result.readPerSec)}`,
      `subscribe:                 ${formatRate(result.subscribePerSec)}`,
    ].join('\n'),
  );
};

/**
 * `npm run bench -- eventlog --log esdb`: the EventStoreDB adapter's append, readAll and
 * subscribe rates, against EVENTSTORE_URL or the emulator. Streams carry a run id, so a real
 * server keeps earlier runs' events apart.
 */
export const runOnEsdb = async (args: BenchArgs): Promise<void> => {
  const { url, server, stop } = await target();
  const run = `-${createIdGenerator()().toLowerCase()}`;
  const open = () => createEventStoreDbEventLog({ connectionString: url });
  try {
    progress(`EventStoreDB adapter against ${server}`);
    const appendPerSec = await appendRates(open(), run);
    const big = await bigLogRates(open(), args.events, run);
    printEsdbReport(args, server, { appendPerSec, ...big });
  } finally {
    await stop();
  }
};
