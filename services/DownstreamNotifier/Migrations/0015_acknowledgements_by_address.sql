-- An acknowledgement is the person's at the address the link was mailed to. A contact readdressed since (another
-- person, most often) has not acknowledged: it is reminded, and its link shows none of the previous person's status
-- and statement. Reminders are held back by address, across the contacts sharing it, when recorded and when sent.
-- Existing ones: the address of the newest notice sent to the contact by then (a contact readdressed since keeps its
-- old address's acknowledgement there), else the contact's, else its newest notice's.
ALTER TABLE acknowledgements ADD COLUMN email text;
UPDATE acknowledgements a SET email = (SELECT n.email FROM notices n WHERE n.case_id = a.case_id AND n.contact_id = a.contact_id
                                       AND n.sent_at <= a.acknowledged_at ORDER BY n.sent_at DESC LIMIT 1);
UPDATE acknowledgements a SET email = c.email FROM contacts c WHERE c.id = a.contact_id AND a.email IS NULL;
UPDATE acknowledgements a SET email = (SELECT n.email FROM notices n WHERE n.case_id = a.case_id AND n.contact_id = a.contact_id ORDER BY n.id DESC LIMIT 1)
WHERE email IS NULL;
UPDATE acknowledgements SET email = '' WHERE email IS NULL; -- neither contact nor notice left: shown nowhere, kept
ALTER TABLE acknowledgements ALTER COLUMN email SET NOT NULL, DROP CONSTRAINT acknowledgements_pkey;
CREATE UNIQUE INDEX acknowledgements_address ON acknowledgements (case_id, lower(email), contact_id);
