-- Within one instant, messages for other services (a publication command, a notice) are claimed before the saga's own
-- timers: they are what the instant is for, the timers only record that it came.
ALTER TABLE scheduled_messages ADD COLUMN priority smallint NOT NULL DEFAULT 0;
DROP INDEX scheduled_messages_pending_due;
CREATE INDEX scheduled_messages_pending_due ON scheduled_messages (due_at, priority) WHERE state = 'pending';
