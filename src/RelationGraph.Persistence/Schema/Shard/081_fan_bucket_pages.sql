-- The bucket of a celebrity's fan, among `buckets`: the same function as FanBucketMap.BucketOf, which routes the fan's
-- copy to the bucket grain, so the grain that writes a row is the one that reads it. A Lehmer step (MINSTD) rather than
-- the shard hash: it fits bigint arithmetic, spreads sequential ids and ids with zero low bits alike, and is unrelated to
-- the shard a follower lives on. A bucket's page reads the user's page index and keeps its own rows, so buckets need no
-- column or index of their own and every user's writes stay as they were.
CREATE FUNCTION fan_bucket(p_follower bigint, p_buckets integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ((p_follower % 2147483647) * 48271 % 2147483647 % p_buckets)::integer;
