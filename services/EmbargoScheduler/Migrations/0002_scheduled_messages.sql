-- The durable clock: MassTransit ScheduleMessage commands kept until they are due, then forwarded as they were sent.
-- state: pending (waiting), sent (forwarded), cancelled (CancelScheduledMessage; also a tombstone when the cancel
-- arrives before its ScheduleMessage, so that one is never armed).
CREATE TABLE scheduled_messages (
    token_id        uuid        PRIMARY KEY,
    destination     text        NOT NULL,
    due_at          timestamptz NOT NULL,
    message_types   text        NOT NULL,   -- urn:message:... separated by ';'
    content_type    text        NOT NULL,
    body            text        NOT NULL,   -- the serialized envelope of the scheduled message
    headers         jsonb       NULL,
    message_id      uuid        NULL,
    correlation_id  uuid        NULL,
    conversation_id uuid        NULL,
    initiator_id    uuid        NULL,
    source_address  text        NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'cancelled')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz NULL
);

CREATE INDEX scheduled_messages_pending_due ON scheduled_messages (due_at) WHERE state = 'pending';
