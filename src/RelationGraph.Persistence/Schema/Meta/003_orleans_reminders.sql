-- Orleans reminders (ADO.NET reminder service, invariant "Npgsql"); its queries go into the OrleansQuery
-- catalogue created by 002. Result columns are aliased to the names Orleans reads.

-- grain_id is Orleans' GrainId.ToString() ("type/key"), which Orleans parses back.
-- grain_hash is the grain's uniform hash cast from uint to int: each silo reads the reminders of its
-- range of the hash ring, hence the index.
CREATE TABLE orleans_reminders (
    service_id    text NOT NULL,
    grain_id      text NOT NULL,
    reminder_name text NOT NULL,
    start_time    timestamptz NOT NULL,
    -- Milliseconds; Orleans sends an int or, for periods past int range, a bigint.
    period        bigint NOT NULL,
    grain_hash    integer NOT NULL,
    -- The reminder's ETag.
    version       integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminders_service_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

-- A ring range is (begin, end]. The hashes are compared as signed ints, which only rotates the ring;
-- Orleans sends the ranges that do not wrap in that order here...
('ReadRangeRows1Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

-- ...and those that wrap (including begin = end, the whole ring) here.
('ReadRangeRows2Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- Registering a reminder again replaces it. One statement, so concurrent registrations of the same
-- reminder cannot both insert: the loser updates, and each gets its own new version.
('UpsertReminderRowKey', $q$
    INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
    SET start_time = excluded.start_time,
        period = excluded.period,
        grain_hash = excluded.grain_hash,
        version = r.version + 1
    RETURNING r.version AS "Version"
$q$),

-- Removes the reminder only at the version the caller holds; Orleans reads the single boolean.
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
          AND version = @Version
        RETURNING 1)
    SELECT count(*) > 0 AS "Deleted" FROM deleted
$q$),

('DeleteReminderRowsKey', $q$
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$q$);
