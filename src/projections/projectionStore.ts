import Database from 'better-sqlite3';
import type { EntityRef } from '../events/schemas/common';
import type { Take } from '../events/schemas/entityEvents';
import type { Op } from '../events/schemas/ops';
import type { JsonObject } from '../reconcilers/json';
import type { Provenance } from '../reconcilers/mergeRules';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../events/sqlite/openDatabase';
import { walAutocheckpoint } from '../events/sqlite/backgroundCheckpoints';
import { immediately } from '../events/sqlite/writeLock';
import { STORE_SCHEMA } from './storeSchema';

export type BranchStatus = 'open' | 'committed' | 'abandoned' | 'promoted' | 'quarantined';

/** Branch state: what a branch started from, what it did so far, where it stands. */
export interface BranchRow {
  branchId: string;
  entity: EntityRef;
  baseVersionId: string | null;
  phase: string;
  actor: string;
  deadline: string | null;
  status: BranchStatus;
  mutationCount: number;
  lastSeq: number;
  commitCount: number | null;
  commitDigest: string | null;
  /** What went wrong while recording (a sequence gap, a write after the end), if anything. */
  flaw: string | null;
  endReason: string | null;
  /** Ids of the commit event, so what the promoter writes joins its correlation chain. */
  commitEvent: { eventId: string; correlationId: string } | null;
  /** The conflicts an operator settled when last releasing it from quarantine (empty if none). */
  takes: Take[];
}

/** One promoted version in the lineage index. */
export interface VersionRow {
  versionId: string;
  entity: EntityRef;
  /** 1 for an entity's first promotion, then +1 per promotion. */
  ordinal: number;
  parents: string[];
  depth: number;
  phase: string;
  branchIds: string[];
  hash: string;
  promotedAt: string;
  doc: JsonObject;
  /** Paths this version changed relative to the head it replaced. */
  changed: string[];
}

export interface HeadRow {
  entity: EntityRef;
  versionId: string;
  ordinal: number;
  provenance: [string, Provenance][];
}

/** The projections' tables in one SQLite database, with cached statements. */
export interface ProjectionStore {
  readonly db: Database.Database;
  /** A prepared statement, prepared once per store. */
  statement(sql: string): Database.Statement;
  /** `fn` as a write transaction that waits for other connections' write lock in short steps. */
  immediate<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  branch(branchId: string): BranchRow | undefined;
  /** The ops of each recorded mutation, in sequence order. */
  branchOps(branchId: string): Op[][];
  version(versionId: string): VersionRow | undefined;
  head(entity: EntityRef): HeadRow | undefined;
  /** Versions of an entity promoted after `ordinal`, oldest first. */
  versionsAfter(entity: EntityRef, ordinal: number): VersionRow[];
  /** The paths changed by each version promoted after `ordinal` (no documents loaded). */
  changedAfter(entity: EntityRef, ordinal: number): string[];
  /** The branches of each version promoted after `ordinal` (no documents loaded). */
  branchesAfter(entity: EntityRef, ordinal: number): string[];
  /** A version's ordinal and parents, without its document. */
  parentsOf(versionId: string): { ordinal: number; parents: string[] } | undefined;
  referencesTo(entity: EntityRef): { from: EntityRef; path: string }[];
  referencesFrom(entity: EntityRef): { path: string; to: EntityRef }[];
  checkpoint(name: string): number;
  /** The revision of an entity stream as far as the projections have read. */
  streamRevision(stream: string): number | undefined;
  /** Committed branches waiting for the promoter, oldest first. */
  committedBranches(): string[];
  /** Open branches that declared a deadline, with it. */
  openDeadlines(): { branchId: string; deadline: string }[];
  close(): void;
}

/**
 * What reconciling a branch reads: branch state, versions and heads. The projection store is
 * one; replay (src/audit) keeps another in memory, rebuilt from the branch events alone.
 */
export type LineageReader = Pick<
  ProjectionStore,
  'branch' | 'branchOps' | 'version' | 'head' | 'parentsOf' | 'changedAfter' | 'branchesAfter'
>;

type Row = Record<string, unknown>;

/** Columns added since a store file was first written; a file from before gets them here. */
const ADDED_COLUMNS = [
  ['takes', 'TEXT'],
  ['opened_at', 'TEXT'],
] as const;

const addMissingColumns = (db: Database.Database) => {
  const columns = (db.pragma('table_info(branches)') as { name: string }[]).map((c) => c.name);
  for (const [name, type] of ADDED_COLUMNS) {
    if (columns.includes(name)) continue;
    try {
      db.exec(`ALTER TABLE branches ADD COLUMN ${name} ${type}`);
    } catch (error) {
      // Another process opening the same file added it first.
      if (!/duplicate column name/.test(String(error))) throw error;
    }
  }
};

const toBranch = (r: Row): BranchRow => ({
  branchId: r.branch_id as string,
  entity: { type: r.entity_type as string, id: r.entity_id as string },
  baseVersionId: r.base_version_id as string | null,
  phase: r.phase as string,
  actor: r.actor as string,
  deadline: r.deadline as string | null,
  status: r.status as BranchStatus,
  mutationCount: r.mutation_count as number,
  lastSeq: r.last_seq as number,
  commitCount: r.commit_count as number | null,
  commitDigest: r.commit_digest as string | null,
  flaw: r.flaw as string | null,
  endReason: r.end_reason as string | null,
  commitEvent:
    r.commit_event_id === null
      ? null
      : { eventId: r.commit_event_id as string, correlationId: r.correlation_id as string },
  takes: r.takes == null ? [] : (JSON.parse(r.takes as string) as Take[]),
});

const toVersion = (r: Row): VersionRow => ({
  versionId: r.version_id as string,
  entity: { type: r.entity_type as string, id: r.entity_id as string },
  ordinal: r.ordinal as number,
  parents: JSON.parse(r.parents as string) as string[],
  depth: r.depth as number,
  phase: r.phase as string,
  branchIds: JSON.parse(r.branch_ids as string) as string[],
  hash: r.hash as string,
  promotedAt: r.promoted_at as string,
  doc: JSON.parse(r.doc as string) as JsonObject,
  changed: JSON.parse(r.changed as string) as string[],
});

/**
 * Opens the projection tables in `path` (`:memory:` for a throwaway store), creating them.
 * `inlineCheckpoints: false` when `startBackgroundCheckpoints` runs for the file.
 */
export const openProjectionStore = (
  path: string,
  { inlineCheckpoints = true }: { inlineCheckpoints?: boolean } = {},
): ProjectionStore => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Fewer, larger checkpoints: at the default (1,000 pages) they stall busy writers often.
  db.pragma(walAutocheckpoint(inlineCheckpoints));
  // Projections are rebuilt from the log, and their checkpoint commits with their effects: a
  // transaction lost to power failure is applied again, so NORMAL (no fsync per commit) is safe.
  db.pragma('synchronous = NORMAL');
  // Another connection's commit empties this connection's page cache; mapped pages need no copy.
  db.pragma('mmap_size = 1073741824');
  db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
  db.exec(STORE_SCHEMA);
  addMissingColumns(db);
  const cache = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let s = cache.get(sql);
    if (s === undefined) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const one = (sql: string, ...args: unknown[]) => statement(sql).get(...args) as Row | undefined;
  const all = (sql: string, ...args: unknown[]) => statement(sql).all(...args) as Row[];
  const ref = (r: Row, prefix: string): EntityRef => ({
    type: r[`${prefix}_type`] as string,
    id: r[`${prefix}_id`] as string,
  });
  return {
    db,
    statement,
    immediate: (fn) => immediately(db, fn, DEFAULT_BUSY_TIMEOUT_MS),
    branch: (id) => {
      const r = one('SELECT * FROM branches WHERE branch_id = ?', id);
      return r && toBranch(r);
    },
    branchOps: (id) =>
      all('SELECT ops FROM branch_ops WHERE branch_id = ? ORDER BY seq', id).map(
        (r) => JSON.parse(r.ops as string) as Op[],
      ),
    version: (id) => {
      const r = one('SELECT * FROM versions WHERE version_id = ?', id);
      return r && toVersion(r);
    },
    head: (e) => {
      const r = one('SELECT * FROM heads WHERE entity_type = ? AND entity_id = ?', e.type, e.id);
      return (
        r && {
          entity: e,
          versionId: r.version_id as string,
          ordinal: r.ordinal as number,
          provenance: JSON.parse(r.provenance as string) as [string, Provenance][],
        }
      );
    },
    versionsAfter: (e, ordinal) =>
      all(
        'SELECT * FROM versions WHERE entity_type = ? AND entity_id = ? AND ordinal > ? ORDER BY ordinal',
        e.type,
        e.id,
        ordinal,
      ).map(toVersion),
    changedAfter: (e, ordinal) =>
      all(
        'SELECT changed FROM versions WHERE entity_type = ? AND entity_id = ? AND ordinal > ? ORDER BY ordinal',
        e.type,
        e.id,
        ordinal,
      ).flatMap((r) => JSON.parse(r.changed as string) as string[]),
    branchesAfter: (e, ordinal) =>
      all(
        'SELECT branch_ids FROM versions WHERE entity_type = ? AND entity_id = ? AND ordinal > ? ORDER BY ordinal',
        e.type,
        e.id,
        ordinal,
      ).flatMap((r) => JSON.parse(r.branch_ids as string) as string[]),
    parentsOf: (id) => {
      const r = one('SELECT ordinal, parents FROM versions WHERE version_id = ?', id);
      return (
        r && { ordinal: r.ordinal as number, parents: JSON.parse(r.parents as string) as string[] }
      );
    },
    referencesTo: (e) =>
      all(
        'SELECT * FROM entity_references WHERE to_type = ? AND to_id = ? ORDER BY from_type, from_id, path',
        e.type,
        e.id,
      ).map((r) => ({ from: ref(r, 'from'), path: r.path as string })),
    referencesFrom: (e) =>
      all(
        'SELECT * FROM entity_references WHERE from_type = ? AND from_id = ? ORDER BY path',
        e.type,
        e.id,
      ).map((r) => ({
        path: r.path as string,
        to: ref(r, 'to'),
      })),
    checkpoint: (name) =>
      (one('SELECT position FROM projection_checkpoints WHERE name = ?', name)?.position as
        number | undefined) ?? 0,
    streamRevision: (stream) =>
      one('SELECT revision FROM entity_streams WHERE stream = ?', stream)?.revision as
        number | undefined,
    committedBranches: () =>
      all("SELECT branch_id FROM branches WHERE status = 'committed' ORDER BY opened_position").map(
        (r) => r.branch_id as string,
      ),
    openDeadlines: () =>
      all(
        "SELECT branch_id, deadline FROM branches WHERE status = 'open' AND deadline IS NOT NULL",
      ).map((r) => ({ branchId: r.branch_id as string, deadline: r.deadline as string })),
    close: () => db.close(),
  };
};
