-- How a case's embargo ended, as the rounds from the saga told it: 'withdrawn' (no coordinated disclosure), 'broken'
-- (disclosed early, at ended_at) or 'public'. A withdrawn case records no further rounds but its Withdrawn one, and the
-- notices still pending or deferred when it was withdrawn are 'cancelled' (a final state, like 'sent' and 'failed').
ALTER TABLE case_embargoes ADD COLUMN ended text CHECK (ended IN ('withdrawn', 'broken', 'public'));
ALTER TABLE case_embargoes ADD COLUMN ended_at timestamptz;
