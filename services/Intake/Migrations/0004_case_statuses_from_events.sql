-- Case status follows the embargo-scheduler's and disclosure's events.
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN
    ('open', 'embargo-requested', 'embargoed', 'disclosed', 'withdrawal-requested', 'withdrawn'));
