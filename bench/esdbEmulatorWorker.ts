import { parentPort } from 'node:worker_threads';
import { startEsdbEmulator } from '../test/support/esdbEmulator/emulator';

// The emulator on its own thread, so the client side of the benchmark has a core of its own.
void startEsdbEmulator().then((emulator) => parentPort?.postMessage(emulator.url));
