-- Orleans grain state (ADO.NET grain storage, invariant "Npgsql"); its queries go into the OrleansQuery
-- catalogue created by 002. Result columns are aliased to the names Orleans reads.
--
-- Orleans identifies a record by service id, "grain type" and grain key. The "grain type" Orleans
-- passes (@GrainTypeString) is in fact the state's name: "state" for Grain<T>, the name given to
-- [PersistentState(name, storage)] otherwise; the grain's real type takes no part. The key arrives as
-- two longs and a string (@GrainIdN0, @GrainIdN1, @GrainIdExtensionString): an integer key is N1, a
-- Guid key is N0 and N1, a key extension or a whole string key is the string, which is NULL when
-- there is none. Orleans also sends hashes of the key and of the name (@GrainIdHash, @GrainTypeHash)
-- for narrowing an index; the hasher is configurable, so this table keys on the values themselves and
-- ignores the hashes, and a change of hasher cannot hide existing state.
CREATE TABLE orleans_grain_state (
    service_id         text NOT NULL,
    state_name         text NOT NULL,
    grain_id_n0        bigint NOT NULL,
    grain_id_n1        bigint NOT NULL,
    grain_id_extension text,
    -- NULL and '' are different keys to Orleans, and NULL would neither be unique nor match '=':
    -- this folds them into one never-NULL value that the key and the lookups use.
    grain_id_extension_key text GENERATED ALWAYS AS (COALESCE('+' || grain_id_extension, '')) STORED,
    -- NULL once the state is cleared without deleting the row.
    payload            bytea,
    -- The state's ETag.
    version            integer NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension_key)
);

-- Orleans reports a write that changed nothing (no row or a NULL version) as InconsistentStateException,
-- so a write happens only at the version the grain holds. A grain without an ETag believes there is no
-- record and may only create one; the primary key makes sure only one of concurrent creators does.
CREATE FUNCTION orleans_grain_state_write(
    p_service_id text, p_state_name text, p_grain_id_n0 bigint, p_grain_id_n1 bigint,
    p_grain_id_extension text, p_version integer, p_payload bytea)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    new_version integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleans_grain_state (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
        VALUES (p_service_id, p_state_name, p_grain_id_n0, p_grain_id_n1, p_grain_id_extension, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_grain_state
        SET payload = p_payload, version = version + 1, modified_at = now()
        WHERE service_id = p_service_id AND state_name = p_state_name
          AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
          AND grain_id_extension_key = COALESCE('+' || p_grain_id_extension, '')
          AND version = p_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT payload AS "PayloadBinary", version AS "Version"
    FROM orleans_grain_state
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension_key = COALESCE('+' || @GrainIdExtensionString, '')
$q$),

('WriteToStorageKey', $q$
    SELECT orleans_grain_state_write(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
        @GrainIdExtensionString, @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion"
$q$),

-- ClearStateAsync when DeleteStateOnClear is off: the row stays, without state, at a new version.
('ClearStorageKey', $q$
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension_key = COALESCE('+' || @GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version AS "NewGrainStateVersion"
$q$),

-- ClearStateAsync when DeleteStateOnClear is on. Orleans counts an operation as done when the version
-- it gets back differs from the one it sent, so this answers the deleted version plus one.
('DeleteStorageKey', $q$
    DELETE FROM orleans_grain_state
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension_key = COALESCE('+' || @GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version + 1 AS "NewGrainStateVersion"
$q$);
