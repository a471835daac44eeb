-- Orleans membership (ADO.NET clustering provider, invariant "Npgsql") and the query catalogue that all
-- Orleans ADO.NET providers read at start-up.
--
-- Orleans issues only the SQL it finds in OrleansQuery, looked up by QueryKey. Each text names its
-- parameters @Name (Npgsql rewrites them to $n, so SQL rewriting must stay on) and Orleans reads the
-- results by column name, so every result column is aliased to the exact name Orleans asks for.
-- The tables behind those queries are ours.

-- Orleans selects `QueryKey, QueryText FROM OrleansQuery` unquoted, which PostgreSQL folds to lower
-- case; Npgsql matches the folded result columns to Orleans' names case-insensitively.
CREATE TABLE OrleansQuery (
    QueryKey  text PRIMARY KEY,
    QueryText text NOT NULL
);

-- One row per cluster (Orleans' ClusterId, which it passes as @DeploymentId). Its version is the
-- membership table's ETag: every membership change must name the version it read, and moves it on.
CREATE TABLE orleans_membership_version (
    cluster_id text PRIMARY KEY,
    version    integer NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation; a restarted silo on the same endpoint has a new generation.
-- timestamptz because Npgsql sends Orleans' UTC DateTimes as timestamptz: a plain timestamp column
-- would silently shift them by the session's time zone.
CREATE TABLE orleans_membership (
    cluster_id      text NOT NULL REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE,
    address         text NOT NULL,
    port            integer NOT NULL,
    generation      integer NOT NULL,
    silo_name       text NOT NULL,
    host_name       text NOT NULL,
    status          integer NOT NULL,
    proxy_port      integer NOT NULL,
    -- Orleans' own encoding: "silo,yyyy-MM-dd HH:mm:ss.fff GMT" votes joined by '|'.
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

-- Inserting and updating a member must happen only if the table is still at the version the silo read,
-- and must leave nothing behind when it is not. Both functions first lock the cluster's version row,
-- which every membership write goes through, so concurrent writers are serialised there: under READ
-- COMMITTED a writer that waited re-reads the row and finds the version moved on. Only when the member
-- write itself succeeded does the version move, so a false result has changed nothing.
CREATE FUNCTION orleans_membership_insert(
    p_cluster_id text, p_address text, p_port integer, p_generation integer,
    p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz, p_version integer)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM orleans_membership_version
    WHERE cluster_id = p_cluster_id AND version = p_version
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_membership
        (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    VALUES
        (p_cluster_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
    WHERE cluster_id = p_cluster_id;
    RETURN true;
END
$$;

CREATE FUNCTION orleans_membership_update(
    p_cluster_id text, p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspect_times text, p_i_am_alive_time timestamptz, p_version integer)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM orleans_membership_version
    WHERE cluster_id = p_cluster_id AND version = p_version
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    -- The entry's heartbeat time was captured when it was read; a heartbeat written since must not be undone.
    UPDATE orleans_membership
    SET status = p_status,
        suspect_times = p_suspect_times,
        i_am_alive_time = GREATEST(i_am_alive_time, p_i_am_alive_time)
    WHERE cluster_id = p_cluster_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
    WHERE cluster_id = p_cluster_id;
    RETURN true;
END
$$;

-- The newest suspicion vote in Orleans' suspect_times encoding, for the bulk defunct-silo cleanup:
-- a dead silo is defunct only once its start, its last heartbeat and every vote about it are older
-- than the cut-off. STABLE, not IMMUTABLE: text-to-timestamptz input depends on session settings.
CREATE FUNCTION orleans_membership_last_suspicion(suspect_times text)
RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT max(split_part(vote, ',', 2)::timestamptz)
    FROM unnest(string_to_array(NULLIF(suspect_times, ''), '|')) AS vote
$$;

-- Orleans' SiloStatus is stored as its number; 6 is Dead.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Every silo tries this at start-up; the first one creates the cluster's version row.
('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO orleans_membership_version (cluster_id) VALUES (@DeploymentId)
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT count(*) > 0 AS "Inserted" FROM inserted
$q$),

('InsertMembershipKey', $q$
    SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Succeeded"
$q$),

('UpdateMembershipKey', $q$
    SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
        @IAmAliveTime, @Version) AS "Succeeded"
$q$),

-- Heartbeats are not membership changes: they leave the version alone, and never move time backwards.
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleans_membership
    SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
    WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- Orleans takes the table version from the first row, and a row without StartTime as "no member",
-- so the version row is outer-joined to return it even when there is no matching silo.
-- One statement, one snapshot: the members returned are the ones of that version.
('MembershipReadRowKey', $q$
    SELECT v.version AS "Version",
           m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
           m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
           m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
           m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m
           ON m.cluster_id = v.cluster_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.cluster_id = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
    SELECT v.version AS "Version",
           m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
           m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
           m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
           m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
    WHERE v.cluster_id = @DeploymentId
$q$),

-- Clients find gateways here: active silos that listen for clients (@Status is Active).
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
    FROM orleans_membership
    WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- The members go with the version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleans_membership_version WHERE cluster_id = @DeploymentId
$q$),

-- Required by Orleans at start-up. Orleans 10.4 uses it only when CleanupDefunctSiloEntryKey below is
-- missing; it then removes every dead silo whose start, heartbeat and suspicion votes are all older than
-- the cut-off (passed as @IAmAliveTime). Removing dead rows is not a membership change: no version bump.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleans_membership
    WHERE cluster_id = @DeploymentId AND status = 6
      AND start_time < @IAmAliveTime AND i_am_alive_time < @IAmAliveTime
      AND COALESCE(orleans_membership_last_suspicion(suspect_times) < @IAmAliveTime, true)
$q$),

-- Optional; when present Orleans 10.4 uses it instead of the bulk delete. Orleans picks the defunct dead
-- silos from a membership read and deletes each one only if its row is still exactly what it read, so a
-- row that changed in between (a new vote, a late heartbeat) survives. Orleans prints an empty vote list
-- as '' where the row may hold NULL, hence the COALESCE.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleans_membership
    WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
      AND status = 6
      AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
      AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
$q$);
