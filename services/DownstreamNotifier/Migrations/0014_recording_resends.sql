-- How often the reporter sent a stalled round's NotifyDownstream again, and when last: shared by every instance, so a
-- round is sent again once per period in all, not once per instance (see StalledRounds).
ALTER TABLE notifications
    ADD COLUMN recording_resends   int NOT NULL DEFAULT 0,
    ADD COLUMN recording_resent_at timestamptz;
