-- Why a publication waits although a draft revision at or after the one named has arrived (the draft cannot be
-- published as it is, e.g. it names no affected package); NULL while the revision itself has not arrived.
ALTER TABLE pending_publications ADD COLUMN reason text NULL;
