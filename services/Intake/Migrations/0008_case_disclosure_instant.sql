-- The disclosure instant as the embargo-scheduler last announced it (EmbargoStarted, EmbargoExtended) and when the
-- embargo was broken (disclosed at once): a withdrawal at or after it is refused here, as the saga would refuse it.
ALTER TABLE cases ADD COLUMN disclosure_at timestamptz NULL;
ALTER TABLE cases ADD COLUMN embargo_broken_at timestamptz NULL;

-- Cases embargoed before this migration: their instants are on the timeline.
UPDATE cases c SET disclosure_at = t.at
FROM (SELECT case_id, max((detail->>'disclosureAt')::timestamptz) AS at
      FROM audit_log WHERE action IN ('embargo.started', 'embargo.extended') AND case_id IS NOT NULL
      GROUP BY case_id) t
WHERE c.id = t.case_id;

UPDATE cases c SET embargo_broken_at = t.at
FROM (SELECT case_id, min(at) AS at FROM audit_log WHERE action = 'embargo.broken' AND case_id IS NOT NULL GROUP BY case_id) t
WHERE c.id = t.case_id;
