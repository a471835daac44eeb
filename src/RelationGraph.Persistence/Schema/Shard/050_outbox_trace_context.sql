-- The W3C trace context (traceparent) of the write that appended an event, so that its delivery to the fan grain
-- joins the follow's trace. Null for events appended before this column existed or outside any trace.
ALTER TABLE stream_events ADD COLUMN IF NOT EXISTS traceparent text;
ALTER TABLE stream_dead_letters ADD COLUMN IF NOT EXISTS traceparent text;
