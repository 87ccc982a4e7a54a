import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Node arguments that load TypeScript through tsx, from any working directory. */
export const TSX = ['--import', pathToFileURL(require.resolve('tsx')).href];

/** Runs a TypeScript file under test/support in a child node process; resolves with its stdout. */
export const runTs = (file: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, join(__dirname, file), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${file} exited ${String(code)}: ${err}`)),
    );
  });
