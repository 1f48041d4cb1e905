/**
 * Numbered schema migrations, applied in order and recorded in `schema_migrations`. Never edit
 * one that has shipped: add the next number. The SQL is SQLite's; a PostgreSQL store keeps its own
 * list with the same numbers.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        last_status_json TEXT,
        last_status_epoch INTEGER,
        last_status_seq INTEGER
      );

      -- A lesson is keyed by (device_id, lesson_id): a window may arrive before the start event,
      -- so whichever message comes first creates the row and the start fills in the metadata.
      CREATE TABLE lessons (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        class_id TEXT,
        subject TEXT,
        grade INTEGER,
        source TEXT,
        start_ms INTEGER,
        end_ms INTEGER,
        window_s REAL,
        expected_windows INTEGER,
        end_reason TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete')),
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        UNIQUE (device_id, lesson_id)
      );

      -- (device_id, epoch, seq) is the idempotency key of every message.
      CREATE TABLE windows (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        lesson_ref INTEGER NOT NULL REFERENCES lessons (id),
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        coverage_s REAL NOT NULL,
        speech_s REAL,
        silence_s REAL,
        level_dbfs REAL,
        received_ms INTEGER NOT NULL,
        message_json TEXT NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX windows_by_lesson ON windows (lesson_ref, idx);

      CREATE TABLE lesson_events (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        lesson_ref INTEGER NOT NULL REFERENCES lessons (id),
        event TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        message_json TEXT NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );

      -- No payload content, only its size and hash [PRIV-1].
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        received_ms INTEGER NOT NULL,
        topic TEXT NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL
      );
      CREATE INDEX dead_letters_by_time ON dead_letters (received_ms);
    `,
  },
  {
    version: 2,
    name: 'lesson-metrics',
    sql: `
      -- Bumped by every stored window or lesson event (triggers, so the ingest need not know):
      -- a lesson's metrics are stale when the revision they were computed from differs.
      ALTER TABLE lessons ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
      CREATE TRIGGER lessons_revision_on_window AFTER INSERT ON windows
        BEGIN UPDATE lessons SET revision = revision + 1 WHERE id = NEW.lesson_ref; END;
      CREATE TRIGGER lessons_revision_on_event AFTER INSERT ON lesson_events
        BEGIN UPDATE lessons SET revision = revision + 1 WHERE id = NEW.lesson_ref; END;

      -- One row per lesson and metric id (lesson-analysis metric ids): the cohort queries read
      -- these, never the windows, so a percentile over 10,000 lessons is one indexed scan.
      CREATE TABLE lesson_metrics (
        lesson_ref INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (lesson_ref, metric)
      ) WITHOUT ROWID;
      CREATE TABLE lesson_metrics_state (
        lesson_ref INTEGER PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        analysis_version TEXT NOT NULL,
        computed_ms INTEGER NOT NULL
      );
      CREATE INDEX lessons_by_cohort ON lessons (status, subject, grade, school, start_ms);
    `,
  },
  {
    version: 3,
    name: 'device-auth-gaps-clock',
    sql: `
      -- Embedded-broker credentials: scrypt hashes only, never a password [fault test 10-11].
      CREATE TABLE device_credentials (
        device_id TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        revoked_ms INTEGER
      );

      -- Windows a device dropped under its full-buffer rule (gap/1): reports show them as missing.
      CREATE TABLE gaps (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        dropped_windows INTEGER NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        lesson_ids_json TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX gaps_by_device ON gaps (device_id, start_ms);

      -- Device clock minus cloud clock (ms), estimated from live traffic; skewed = beyond tolerance.
      ALTER TABLE devices ADD COLUMN clock_offset_ms INTEGER;
      ALTER TABLE devices ADD COLUMN clock_skewed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE devices ADD COLUMN clock_checked_ms INTEGER;
    `,
  },
  {
    version: 4,
    name: 'fleet-enrolment-config',
    sql: `
      -- Every heartbeat and last will (status/1), for the fleet page's history; the device's
      -- current state stays in devices.last_status_json. A redelivery (same key) is stored once.
      CREATE TABLE device_status_history (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        online INTEGER NOT NULL,
        status_json TEXT NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX device_status_history_by_device ON device_status_history (device_id, received_ms);

      -- One-time enrolment tokens: only the sha256 of the token is kept, never the token.
      CREATE TABLE enrolment_tokens (
        token_hash TEXT PRIMARY KEY,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER,
        used_by_device TEXT
      );

      -- The config/1 last pushed to each device, republished (retained) when the broker restarts.
      CREATE TABLE device_configs (
        device_id TEXT PRIMARY KEY,
        config_json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'security-audit-retention',
    sql: `
      -- API users [issue 8, PRIV-9]: scrypt hash with its salt and parameters, never a password.
      -- token_version is bumped by logout, a role change or disabling, so older tokens fail [fault 16].
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('teacher', 'school_leader', 'researcher', 'district', 'admin')),
        school TEXT,
        -- A teacher's pseudonymous staff code (lesson/2 teacherId) when the timetable supplies one.
        teacher_code TEXT UNIQUE,
        disabled INTEGER NOT NULL DEFAULT 0,
        token_version INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
      );

      -- Which classes a teacher teaches (subject '': every subject): the teacher's lessons when a
      -- lesson carries no teacherId (lesson/1) [PRIV-9, fault 14].
      CREATE TABLE teacher_assignments (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        school TEXT NOT NULL,
        class_id TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (user_id, school, class_id, subject)
      );
      CREATE INDEX teacher_assignments_by_class ON teacher_assignments (school, class_id);

      -- Secrets generated on first start (token signing key, pseudonym key) unless configured.
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );

      -- Every read of lesson data and every denial [PRIV-9]. Append-only: no UPDATE, no DELETE,
      -- retention included.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        user_id INTEGER,
        username TEXT,
        role TEXT,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        resource TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'error', 'system')),
        status INTEGER NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_log_by_time ON audit_log (at_ms);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- The lesson sets of researchers' answered queries, to refuse differencing [PRIV-4, fault 15].
      CREATE TABLE research_queries (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        route TEXT NOT NULL,
        lesson_refs_json TEXT NOT NULL
      );
      CREATE INDEX research_queries_by_user ON research_queries (user_id, at_ms);

      -- Per-school retention [PRIV-8]; a school without a row gets the defaults in code.
      CREATE TABLE retention_policies (
        school TEXT PRIMARY KEY,
        windows_days INTEGER NOT NULL CHECK (windows_days > 0),
        reports_days INTEGER NOT NULL CHECK (reports_days > 0),
        updated_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'lesson-teacher',
    sql: `
      -- lesson/2's teacherId: the school's pseudonymous staff code from the timetable, never a name
      -- [PRIV-2]; NULL for lesson/1 and for periods without one. A teacher's trend reads this index.
      ALTER TABLE lessons ADD COLUMN teacher_id TEXT;
      CREATE INDEX lessons_by_teacher ON lessons (teacher_id, start_ms);
    `,
  },
];
