-- A claimed message is marked 'sending' and committed before the clock forwards it, so that from then on a cancel
-- (an extension, a withdrawal at the instant) is refused even if the clock crashes between forwarding and recording
-- it sent: before, the crash rolled the row back to pending and a cancel waiting on it succeeded although the message
-- (a publication) had gone. retry_at is the claim's lease while sending (another instance, or this one after a
-- restart, forwards it again once it has run out: at least once) and the wait after a failed forward.
ALTER TABLE scheduled_messages DROP CONSTRAINT scheduled_messages_state_check;
ALTER TABLE scheduled_messages ADD CONSTRAINT scheduled_messages_state_check
    CHECK (state IN ('pending', 'sending', 'sent', 'cancelled'));
-- Pending rows that failed to forward under 0005 were claimed already: they are sending now.
UPDATE scheduled_messages SET state = 'sending' WHERE state = 'pending' AND attempts > 0;
CREATE INDEX scheduled_messages_sending_retry ON scheduled_messages (retry_at) WHERE state = 'sending';
