-- A case whose withdrawal was requested before 0006 has no status_before_withdrawal, and a refusal of that withdrawal
-- put it back to 'open' although its embargo runs. Its status then is what its timeline says: embargoed when an
-- embargo start was heard of (disclosure_at, filled from the timeline by 0008), else open.
UPDATE cases SET status_before_withdrawal = CASE WHEN disclosure_at IS NOT NULL THEN 'embargoed' ELSE 'open' END
WHERE status = 'withdrawal-requested' AND status_before_withdrawal IS NULL;
