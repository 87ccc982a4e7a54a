import type { SynchronousMode } from '../../src/events/sqlite/openDatabase';
import { parseSynchronous, UsageError } from '../args';

/** The strategies benchmark's own flags, parsed. */
export interface StrategiesOptions {
  seed: number;
  /** Enrichment branches per sweep point (entities = branches / parallelism). */
  branches: number;
  parallelism: number[];
  /** Shares, 0..1 (given as percentages). */
  overlap: number[];
  synchronous: SynchronousMode;
  /**
   * Where the PNG chart goes: the README's chart for the default sweep, else beside the
   * compiled benchmark, so a partial run never replaces the README's picture.
   */
  chart: string;
}

export const DEFAULT_STRATEGIES: StrategiesOptions = {
  seed: 1,
  branches: 2000,
  parallelism: [2, 8, 32, 128],
  overlap: [0.1, 0.5, 0.9],
  // No fsync per commit for any of the three (WAL): the disk's fsync latency would decide the
  // comparison otherwise, and Driftless's group commit would win it (see the README).
  synchronous: 'NORMAL',
  chart: 'docs/strategies.png',
};

const integer = (flag: string, text: string, min: number, max: number): number => {
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
};

const list = (flag: string, text: string, min: number, max: number): number[] =>
  text.split(',').map((item) => integer(flag, item.trim(), min, max));

/** Reads `--seed N --branches N --parallelism 2,8 --overlap 10,90 --synchronous FULL --chart PATH`. */
export const parseStrategiesOptions = (own: Record<string, string>): StrategiesOptions => {
  const d = DEFAULT_STRATEGIES;
  return {
    seed: own.seed === undefined ? d.seed : integer('seed', own.seed, 0, 2 ** 31),
    branches:
      own.branches === undefined ? d.branches : integer('branches', own.branches, 1, 10_000_000),
    parallelism:
      own.parallelism === undefined ? d.parallelism : list('parallelism', own.parallelism, 1, 4096),
    overlap:
      own.overlap === undefined
        ? d.overlap
        : list('overlap', own.overlap, 0, 100).map((p) => p / 100),
    synchronous: parseSynchronous(own.synchronous, d.synchronous),
    chart: own.chart ?? (Object.keys(own).length === 0 ? d.chart : 'build/strategies.png'),
  };
};
