-- How far the poller has taken a mailbox: every message with a UID up to taken_through (within uid_validity) has been
-- looked at. A message above it is new even if it is already \Seen (a member read security@ in a mail client before
-- the poll): before, only unseen messages were taken, and such a report never arrived. The first poll of a mailbox
-- sets the mark to the last UID then in it, so mail read before the service was deployed is not taken as new.
CREATE TABLE imap_mailbox_marks (
    mailbox        text   PRIMARY KEY,  -- user@host/folder
    uid_validity   bigint NOT NULL,
    taken_through  bigint NOT NULL
);
