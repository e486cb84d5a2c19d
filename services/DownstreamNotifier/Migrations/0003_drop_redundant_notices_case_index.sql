-- notices_case (case_id) repeats the leading column of the UNIQUE (case_id, contact_id, kind, notification_id) index,
-- which serves every lookup by case as well; each notice written or updated paid for both.
DROP INDEX IF EXISTS notices_case;
