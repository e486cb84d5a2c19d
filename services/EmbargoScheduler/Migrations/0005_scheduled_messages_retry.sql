-- A message the clock could not forward (no queue is bound to its destination, the broker refused it) is tried again
-- after a wait (retry_at), out of the way of the messages due after it: before, it kept its place at the head of the
-- due order, and 500 that could never go filled every claim, so nothing due later was claimed.
ALTER TABLE scheduled_messages ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN retry_at timestamptz NULL;
