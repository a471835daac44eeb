-- Run once by the postgres image on an empty volume: the meta database comes from POSTGRES_DB,
-- the four shard databases are created here (the silos would create missing ones too, given the privilege).
CREATE DATABASE relationgraph_shard_0;
CREATE DATABASE relationgraph_shard_1;
CREATE DATABASE relationgraph_shard_2;
CREATE DATABASE relationgraph_shard_3;
