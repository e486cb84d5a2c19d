-- A round's notices are recorded in chunks, each committed on its own, so that sending starts after the first chunk
-- instead of after the last (recording 10,000 notices took 0.25 s). notices_recorded_at marks a round whose notices
-- are all recorded; a NotifyDownstream redelivered after a crash finds a round without it and records the rest.
ALTER TABLE notifications ADD COLUMN notices_recorded_at timestamptz;
UPDATE notifications SET notices_recorded_at = created_at;
