-- The transactional outbox: stream events committed with the edge writes that cause them, in numbered queues
-- that the stream provider's receivers pull. A row leaves stream_events only once its delivery is confirmed;
-- an event that keeps failing moves to stream_dead_letters. (Deployments from before versioned stream tables
-- already have both, hence IF NOT EXISTS.)
CREATE TABLE IF NOT EXISTS stream_events (
    queue      integer NOT NULL,
    sequence   bigint GENERATED ALWAYS AS IDENTITY,
    namespace  text    NOT NULL,
    stream_key bigint  NOT NULL,
    payload    bytea   NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (queue, sequence));

CREATE TABLE IF NOT EXISTS stream_dead_letters (
    queue      integer NOT NULL,
    sequence   bigint  NOT NULL,
    namespace  text    NOT NULL,
    stream_key bigint  NOT NULL,
    payload    bytea   NOT NULL,
    created_at timestamptz NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now(),
    attempts   integer NOT NULL,
    error      text    NOT NULL,
    PRIMARY KEY (queue, sequence));
