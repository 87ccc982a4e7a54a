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

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

/**
 * Runs the CLI in a child process without blocking this one (an emulator in this process
 * answers from its event loop); resolves with its exit status and output.
 */
export const runCli = (
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
