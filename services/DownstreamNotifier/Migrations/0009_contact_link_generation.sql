-- A notice's acknowledgement link names the contact; it is honoured only while the contact's link_generation is the one
-- it was issued under. Readdressing a contact (another address, not just another letter case) moves the generation on,
-- so the old address's links stop opening the contact's notices (the person who held the address may have left).
-- Links issued before this migration carry no generation and count as generation 0: they keep working until the
-- contact is readdressed.
ALTER TABLE contacts ADD COLUMN link_generation int NOT NULL DEFAULT 0;
