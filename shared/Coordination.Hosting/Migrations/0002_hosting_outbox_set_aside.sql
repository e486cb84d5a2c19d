-- A row the dispatcher cannot turn into a message (its type no longer loads, its body no longer deserialises,
-- its destination is no address) is set aside instead of holding back every row behind it. It stays, with the
-- error, until an instance starts (a newer version may read it) or someone deletes it.
ALTER TABLE outbox_messages ADD COLUMN failed_at timestamptz NULL, ADD COLUMN error text NULL;
CREATE INDEX outbox_messages_pending ON outbox_messages (id) WHERE failed_at IS NULL;
