import type { EntityRef } from '../../src/events/schemas/common';
import { openDatabase, type SynchronousMode } from '../../src/events/sqlite/openDatabase';
import type { JsonObject } from '../../src/reconcilers/json';
import type { LocalState } from './localState';

/**
 * Mutable documents in a SQLite file, for the naive and barrier strategies: opened like the
 * Driftless log (WAL, the same `synchronous`), each `put` its own transaction, as shared
 * mutable state makes every write the truth at once.
 */
export interface DocumentStore {
  get(entity: EntityRef): LocalState;
  put(entity: EntityRef, state: LocalState): void;
  /** Writes many documents in one transaction (setup). */
  putAll(rows: [EntityRef, LocalState][]): void;
  all(type: string): Map<string, JsonObject>;
  close(): void;
}

export const openDocumentStore = (path: string, synchronous: SynchronousMode): DocumentStore => {
  const db = openDatabase(path, { synchronous });
  db.exec(`CREATE TABLE IF NOT EXISTS documents (
    type TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, confidences TEXT NOT NULL,
    PRIMARY KEY (type, id)) WITHOUT ROWID`);
  const select = db.prepare<[string, string], { doc: string; confidences: string }>(
    'SELECT doc, confidences FROM documents WHERE type = ? AND id = ?',
  );
  const upsert = db.prepare(
    'INSERT INTO documents (type, id, doc, confidences) VALUES (?, ?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET doc = excluded.doc, confidences = excluded.confidences',
  );
  const put = (entity: EntityRef, state: LocalState) =>
    upsert.run(
      entity.type,
      entity.id,
      JSON.stringify(state.doc),
      JSON.stringify(state.confidences),
    );
  const putAll = db.transaction((rows: [EntityRef, LocalState][]) => {
    for (const [entity, state] of rows) put(entity, state);
  });
  return {
    get: (entity) => {
      const row = select.get(entity.type, entity.id);
      if (row === undefined) throw new Error(`bench: no document ${entity.type}/${entity.id}`);
      return {
        doc: JSON.parse(row.doc) as JsonObject,
        confidences: JSON.parse(row.confidences) as Record<string, number>,
      };
    },
    put,
    putAll,
    all: (type) => {
      const rows = db
        .prepare<[string], { id: string; doc: string }>(
          'SELECT id, doc FROM documents WHERE type = ?',
        )
        .all(type);
      return new Map(rows.map((r) => [r.id, JSON.parse(r.doc) as JsonObject]));
    },
    close: () => db.close(),
  };
};

/** The documents every strategy starts from: active vendors and the invoices' first versions. */
export const initialDocuments = (workload: {
  vendors: string[];
  entities: { id: string; initial: object }[];
}): [EntityRef, LocalState][] => [
  ...workload.vendors.map((id): [EntityRef, LocalState] => [
    { type: 'vendor', id },
    { doc: { name: `Vendor ${id}`, status: 'active' }, confidences: {} },
  ]),
  ...workload.entities.map((e): [EntityRef, LocalState] => [
    { type: 'invoice', id: e.id },
    { doc: e.initial as JsonObject, confidences: {} },
  ]),
];
