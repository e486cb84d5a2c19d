-- An emailed report whose reply (its id and reporter token) has not gone out yet: a service stopped between storing
-- the report and sending the reply answers it when it fetches the message again.
ALTER TABLE reports ADD COLUMN reply_due boolean NOT NULL DEFAULT false;
