import { spawn } from 'node:child_process';
import type { ReplaySummary } from '../audit/replay';
import type { VerifyResult, VersionMismatch } from '../audit/verify';

/** `replay`/`verify --json` of one part, as its process printed it. */
export type PartCounts = Omit<ReplaySummary, 'heads'> & { heads?: ReplaySummary['heads'] };
export type PartVerify =
  | { verified: true; summary: PartCounts }
  | { verified: false; mismatch: VersionMismatch; summary: PartCounts };

/** A part's process ended with neither success nor a mismatch: its code and what it said. */
export class PartFailedError extends Error {
  constructor(
    readonly code: number,
    readonly stderr: string,
  ) {
    super(stderr.trim() || `a replay part exited with code ${code}`);
  }
}

/** Set on a part's process: it reports progress as `position N` lines on stderr. */
export const PROGRESS_LINES_ENV = 'DRIFTLESS_PROGRESS_LINES';

export interface PartsRun {
  /** Node arguments that start the CLI (execArgv and script). */
  cli: string[];
  command: 'replay' | 'verify';
  /** The command's own arguments, without `--jobs`. */
  argv: string[];
  jobs: number;
  /** Aborted: every part's process is killed. */
  signal?: AbortSignal;
  /** The lowest position every part has replayed past. */
  onProgress?: (position: number) => void;
}

const runPart = (run: PartsRun, index: number, positions: number[]) =>
  new Promise<unknown>((resolve, reject) => {
    const args = [...run.cli, run.command, ...run.argv, '--part', `${index}/${run.jobs}`, '--json'];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, [PROGRESS_LINES_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const match = /^position (\d+)$/.exec(line);
        if (match === null) stderr += `${line}\n`;
        else {
          positions[index] = Number(match[1]);
          run.onProgress?.(Math.min(...positions));
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || (code === 1 && run.command === 'verify')) {
        try {
          return resolve(JSON.parse(stdout) as unknown);
        } catch {
          // Not JSON: fall through and report what it said.
        }
      }
      reject(new PartFailedError(code ?? 1, stderr + partial));
    });
  });

/**
 * Runs the command on `jobs` parts of the entities at once, each in its own process
 * (`--part i/N --json`), and resolves with each part's output in part order. The first part
 * to fail rejects with PartFailedError.
 */
export const runParts = (run: PartsRun): Promise<unknown[]> => {
  const positions = Array.from({ length: run.jobs }, () => 0);
  return Promise.all(positions.map((_, index) => runPart(run, index, positions)));
};

/** Every part's replay as one: counts added up, heads of all parts. */
export const combineReplays = (parts: PartCounts[]): ReplaySummary => ({
  events: parts.reduce((n, p) => n + p.events, 0),
  versions: parts.reduce((n, p) => n + p.versions, 0),
  unrebuilt: parts.reduce((n, p) => n + p.unrebuilt, 0),
  position: Math.max(0, ...parts.map((p) => p.position)),
  stopped: parts.some((p) => p.stopped),
  heads: parts.flatMap((p) => p.heads ?? []),
  openBranches: parts.reduce((n, p) => n + p.openBranches, 0),
});

/**
 * Every part's verification as one: verified when all are; else the mismatch first in log
 * order (each part stops at its own first, so the earliest of those is the log's first).
 */
export const combineVerifications = (parts: PartVerify[]): VerifyResult => {
  const summary = combineReplays(parts.map((p) => p.summary));
  const mismatches = parts.flatMap((p) => (p.verified ? [] : [p.mismatch]));
  if (mismatches.length === 0) return { verified: true, summary };
  const first = mismatches.reduce((a, b) => (b.position < a.position ? b : a));
  return { verified: false, mismatch: first, summary };
};
