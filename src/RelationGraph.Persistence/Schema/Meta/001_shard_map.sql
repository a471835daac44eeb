-- The shard map: physical shard databases and the assignment of virtual shards to them.
-- A shard with a NULL connection_string lives on the meta database's server under `database`.
CREATE TABLE shard_databases (
    shard_id          integer PRIMARY KEY,
    database          text NOT NULL,
    connection_string text,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE virtual_shards (
    virtual_shard integer PRIMARY KEY,
    shard_id      integer NOT NULL REFERENCES shard_databases (shard_id)
);
