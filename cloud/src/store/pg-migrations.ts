import type { Migration } from './migrations.ts';

/**
 * The PostgreSQL schema, numbered like the SQLite list in migrations.ts (the same version means
 * the same tables and columns), but in PostgreSQL's own DDL: BIGSERIAL ids, BIGINT milliseconds,
 * DOUBLE PRECISION for SQLite's REAL (so values round-trip exactly), JSONB messages, a BRIN index
 * on the window time (windows arrive in time order, so a BRIN stays tiny at billions of rows) and
 * b-tree indexes for the cohort queries. Never edit one that has shipped: add the next number.
 *
 * Unlike SQLite, the lesson revision is bumped by the store in the batch's transaction rather
 * than by a row trigger: a trigger would update one lesson row per window, in arrival order,
 * which both multiplies the writes of a batched insert and invites lock-order deadlocks between
 * two ingest instances.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        first_seen_ms BIGINT NOT NULL,
        last_seen_ms BIGINT NOT NULL,
        last_status_json JSONB,
        last_status_epoch BIGINT,
        last_status_seq BIGINT
      );

      CREATE TABLE lessons (
        id BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        class_id TEXT,
        subject TEXT,
        grade INTEGER,
        source TEXT,
        start_ms BIGINT,
        end_ms BIGINT,
        window_s DOUBLE PRECISION,
        expected_windows INTEGER,
        end_reason TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete')),
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        UNIQUE (device_id, lesson_id)
      );
      -- listLessons: newest first, one index walk instead of a sort over every lesson.
      CREATE INDEX lessons_by_recency ON lessons ((COALESCE(start_ms, created_ms)) DESC, id DESC);

      -- (device_id, epoch, seq) is the idempotency key of every message.
      CREATE TABLE windows (
        id BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        lesson_ref BIGINT NOT NULL REFERENCES lessons (id),
        idx INTEGER NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL,
        duration_s DOUBLE PRECISION NOT NULL,
        coverage_s DOUBLE PRECISION NOT NULL,
        speech_s DOUBLE PRECISION,
        silence_s DOUBLE PRECISION,
        level_dbfs DOUBLE PRECISION,
        received_ms BIGINT NOT NULL,
        message JSONB NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX windows_by_lesson ON windows (lesson_ref, idx);
      -- Time-range scans (retention, re-analysis of a month) without a b-tree over every row.
      CREATE INDEX windows_by_time ON windows USING BRIN (start_ms);

      CREATE TABLE lesson_events (
        id BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        lesson_ref BIGINT NOT NULL REFERENCES lessons (id),
        event TEXT NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL,
        received_ms BIGINT NOT NULL,
        message JSONB NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );

      -- No payload content, only its size and hash [PRIV-1].
      CREATE TABLE dead_letters (
        id BIGSERIAL PRIMARY KEY,
        received_ms BIGINT NOT NULL,
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
      -- Bumped by the store with every stored window or lesson event (see the note above).
      ALTER TABLE lessons ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

      CREATE TABLE lesson_metrics (
        lesson_ref BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (lesson_ref, metric)
      );
      CREATE TABLE lesson_metrics_state (
        lesson_ref BIGINT PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
        revision BIGINT NOT NULL,
        analysis_version TEXT NOT NULL,
        computed_ms BIGINT NOT NULL
      );
      -- Cohort filters: complete lessons by subject and grade (the comparison the reports make),
      -- by school, and by time range; the partial indexes skip the open lessons of the day.
      CREATE INDEX lessons_by_cohort ON lessons (subject, grade, school, start_ms) WHERE status = 'complete';
      CREATE INDEX lessons_by_start ON lessons (start_ms) WHERE status = 'complete';
      CREATE INDEX lessons_by_class ON lessons (class_id, start_ms) WHERE status = 'complete';
      CREATE INDEX lessons_complete_by_id ON lessons (id) WHERE status = 'complete';
    `,
  },
  {
    version: 3,
    name: 'device-auth-gaps-clock',
    sql: `
      CREATE TABLE device_credentials (
        device_id TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        revoked_ms BIGINT
      );

      CREATE TABLE gaps (
        id BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        start_ms BIGINT NOT NULL,
        end_ms BIGINT NOT NULL,
        reason TEXT NOT NULL,
        dropped_windows INTEGER NOT NULL,
        first_seq BIGINT NOT NULL,
        last_seq BIGINT NOT NULL,
        lesson_ids JSONB NOT NULL,
        received_ms BIGINT NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX gaps_by_device ON gaps (device_id, start_ms);

      ALTER TABLE devices ADD COLUMN clock_offset_ms BIGINT;
      ALTER TABLE devices ADD COLUMN clock_skewed BOOLEAN NOT NULL DEFAULT FALSE;
      ALTER TABLE devices ADD COLUMN clock_checked_ms BIGINT;
    `,
  },
  {
    version: 4,
    name: 'fleet-enrolment-config',
    sql: `
      CREATE TABLE device_status_history (
        id BIGSERIAL PRIMARY KEY,
        device_id TEXT NOT NULL,
        epoch BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        received_ms BIGINT NOT NULL,
        online BOOLEAN NOT NULL,
        status_json JSONB NOT NULL,
        UNIQUE (device_id, epoch, seq)
      );
      CREATE INDEX device_status_history_by_device ON device_status_history (device_id, received_ms);

      -- Only the sha256 of a token is kept, never the token.
      CREATE TABLE enrolment_tokens (
        token_hash TEXT PRIMARY KEY,
        school TEXT NOT NULL,
        room TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        used_ms BIGINT,
        used_by_device TEXT
      );

      CREATE TABLE device_configs (
        device_id TEXT PRIMARY KEY,
        config_json JSONB NOT NULL,
        updated_ms BIGINT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'security-audit-retention',
    sql: `
      CREATE TABLE users (
        id BIGSERIAL PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('teacher', 'school_leader', 'researcher', 'district', 'admin')),
        school TEXT,
        teacher_code TEXT UNIQUE,
        disabled BOOLEAN NOT NULL DEFAULT FALSE,
        token_version INTEGER NOT NULL DEFAULT 0,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
      );

      CREATE TABLE teacher_assignments (
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        school TEXT NOT NULL,
        class_id TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (user_id, school, class_id, subject)
      );
      CREATE INDEX teacher_assignments_by_class ON teacher_assignments (school, class_id);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_ms BIGINT NOT NULL
      );

      -- Append-only [PRIV-9]: no UPDATE, no DELETE, retention included.
      CREATE TABLE audit_log (
        id BIGSERIAL PRIMARY KEY,
        at_ms BIGINT NOT NULL,
        user_id BIGINT,
        username TEXT,
        role TEXT,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        resource TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'error', 'system')),
        status INTEGER NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_log_by_time ON audit_log USING BRIN (at_ms);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

      CREATE TABLE research_queries (
        id BIGSERIAL PRIMARY KEY,
        user_id BIGINT NOT NULL,
        at_ms BIGINT NOT NULL,
        route TEXT NOT NULL,
        lesson_refs JSONB NOT NULL
      );
      CREATE INDEX research_queries_by_user ON research_queries (user_id, at_ms);

      CREATE TABLE retention_policies (
        school TEXT PRIMARY KEY,
        windows_days INTEGER NOT NULL CHECK (windows_days > 0),
        reports_days INTEGER NOT NULL CHECK (reports_days > 0),
        updated_ms BIGINT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'lesson-teacher',
    sql: `
      -- lesson/2's teacherId: a pseudonymous staff code, never a name [PRIV-2].
      ALTER TABLE lessons ADD COLUMN teacher_id TEXT;
      CREATE INDEX lessons_by_teacher ON lessons (teacher_id, start_ms);
    `,
  },
];
