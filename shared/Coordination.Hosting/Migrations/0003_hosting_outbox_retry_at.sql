-- A command whose destination queue does not exist yet (its service has never started on this broker) is returned
-- by the broker; its row waits until retry_at instead of holding back the rows behind it, and goes again then.
ALTER TABLE outbox_messages ADD COLUMN retry_at timestamptz NULL;
