-- Celebrity fan buckets. A user listed here has more fans than one fan grain should write: their fan copies are
-- written by `buckets` bucket grains, each owning the followers that hash to it, over separate stream queues. The
-- rows themselves stay where they are (the user's `fans` partition, one count), so moving a user into buckets moves
-- no data and every page and count reads as before. Each shard lists its own users; `seq` lets every silo pick up
-- the users added since it last looked. A user is never taken out again.
CREATE TABLE fan_buckets (
    user_id    bigint      PRIMARY KEY,
    buckets    integer     NOT NULL CHECK (buckets >= 2),
    seq        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now());
