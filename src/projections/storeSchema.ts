/** Tables of the projections; they may share the SQLite file of the embedded log. */
export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS branches (
  branch_id       TEXT PRIMARY KEY,
  entity_type     TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  base_version_id TEXT,
  phase           TEXT NOT NULL,
  actor           TEXT NOT NULL,
  deadline        TEXT,
  status          TEXT NOT NULL,
  mutation_count  INTEGER NOT NULL DEFAULT 0,
  last_seq        INTEGER NOT NULL DEFAULT 0,
  commit_count    INTEGER,
  commit_digest   TEXT,
  flaw            TEXT,
  end_reason      TEXT,
  commit_event_id TEXT,
  correlation_id  TEXT,
  opened_position INTEGER NOT NULL,
  takes           TEXT,
  opened_at       TEXT
);
-- Only branches still waiting are indexed: ended ones leave the index, which stays as small
-- as the work in flight instead of growing with history (and is written at few pages).
DROP INDEX IF EXISTS branches_by_status;
CREATE INDEX IF NOT EXISTS branches_committed ON branches (opened_position) WHERE status = 'committed';
CREATE INDEX IF NOT EXISTS branches_open_deadlines ON branches (deadline)
  WHERE status = 'open' AND deadline IS NOT NULL;
-- An entity's branches by phase: automatic seals ask, for each entity a pass settled, whether
-- any branch of a phase is still waiting. Without it that was a scan of every branch ever.
CREATE INDEX IF NOT EXISTS branches_by_entity ON branches (entity_type, entity_id, phase);
CREATE TABLE IF NOT EXISTS branch_ops (
  branch_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  ops       TEXT NOT NULL,
  PRIMARY KEY (branch_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
  version_id  TEXT PRIMARY KEY,
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  ordinal     INTEGER NOT NULL,
  parents     TEXT NOT NULL,
  depth       INTEGER NOT NULL,
  phase       TEXT NOT NULL,
  branch_ids  TEXT NOT NULL,
  hash        TEXT NOT NULL,
  promoted_at TEXT NOT NULL,
  doc         TEXT NOT NULL,
  changed     TEXT NOT NULL,
  UNIQUE (entity_type, entity_id, ordinal)
);
CREATE TABLE IF NOT EXISTS heads (
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  version_id  TEXT NOT NULL,
  ordinal     INTEGER NOT NULL,
  provenance  TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_references (
  from_type TEXT NOT NULL,
  from_id   TEXT NOT NULL,
  path      TEXT NOT NULL,
  to_type   TEXT NOT NULL,
  to_id     TEXT NOT NULL,
  PRIMARY KEY (from_type, from_id, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS references_to ON entity_references (to_type, to_id);
CREATE TABLE IF NOT EXISTS phase_seals (
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  phase       TEXT NOT NULL,
  version_id  TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity_id, phase)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
  branch_id   TEXT PRIMARY KEY,
  entity_type TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  violations  TEXT NOT NULL,
  candidate   TEXT,
  decisions   TEXT NOT NULL,
  position    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_streams (
  stream   TEXT PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejected_events (
  position INTEGER PRIMARY KEY,
  stream   TEXT NOT NULL,
  type     TEXT NOT NULL,
  reason   TEXT NOT NULL
);
`;
