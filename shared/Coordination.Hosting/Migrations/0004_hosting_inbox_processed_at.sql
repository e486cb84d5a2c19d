-- The inbox is purged by age (InboxRetention); without this index every purge read the whole table.
CREATE INDEX IF NOT EXISTS processed_messages_processed_at ON processed_messages (processed_at);
