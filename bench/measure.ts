import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface RateOptions {
  /** Stop once this much time has been spent writing (and `minBatches` are written). */
  budgetMs: number;
  minBatches: number;
}

/**
 * Events per second of `write` over pre-built batches of `size` events. Batches are built in
 * chunks between timed sections, so building them is never timed; one chunk warms up first.
 */
export const measureRate = async <T>(
  size: number,
  build: (first: number, count: number) => T[],
  write: (batches: T[]) => Promise<void> | void,
  { budgetMs, minBatches }: RateOptions,
): Promise<number> => {
  const chunk = Math.max(1, Math.ceil(500 / size));
  let next = 0;
  const take = () => {
    const batches = build(next, chunk);
    next += chunk;
    return batches;
  };
  await write(take());
  let elapsed = 0;
  let batches = 0;
  while (elapsed < budgetMs || batches < minBatches) {
    const work = take();
    const start = performance.now();
    await write(work);
    elapsed += performance.now() - start;
    batches += work.length;
  }
  return (batches * size) / (elapsed / 1000);
};

/** Seconds taken by `work`. */
export const seconds = async (work: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
};

/** Runs `work` with a fresh temp directory, removed afterwards whatever happens. */
export const withTempDir = async <T>(work: (dir: string) => Promise<T>): Promise<T> => {
  const dir = mkdtempSync(join(tmpdir(), 'driftless-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const formatRate = (perSec: number): string =>
  `${Math.round(perSec).toLocaleString('en-US')} events/s`;

export const progress = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
