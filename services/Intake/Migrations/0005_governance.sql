-- PEP 811 team governance: nominations, secret votes (one row per voter, changeable until close), results,
-- vetoes and onboarding; members may be exempt from the yearly inactivity review.
ALTER TABLE members ADD COLUMN exempt_from_inactivity boolean NOT NULL DEFAULT false;

CREATE TABLE nominations (
    id                uuid PRIMARY KEY,
    candidate_name    text        NOT NULL,
    candidate_contact text        NOT NULL,
    public_handle     text        NOT NULL,
    statement         text        NOT NULL,
    nominated_by      uuid        NOT NULL,
    nominated_at      timestamptz NOT NULL,
    closes_at         timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    yes_votes         int         NULL,
    no_votes          int         NULL,
    abstentions       int         NULL,
    eligible_members  int         NULL,
    closed_at         timestamptz NULL,
    veto_reason       text        NULL,
    vetoed_by         uuid        NULL,
    vetoed_at         timestamptz NULL,
    member_id         uuid        NULL,
    onboarded_at      timestamptz NULL
);
CREATE INDEX nominations_open ON nominations (closes_at) WHERE status = 'open';

-- The primary key is the "one vote per member" rule: a second vote is a change of this row.
CREATE TABLE nomination_votes (
    nomination_id uuid        NOT NULL REFERENCES nominations (id),
    member_id     uuid        NOT NULL,
    choice        text        NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    cast_at       timestamptz NOT NULL,
    changes       int         NOT NULL DEFAULT 0,
    PRIMARY KEY (nomination_id, member_id)
);

-- The inactivity report looks for each member's latest case action.
CREATE INDEX audit_log_actor_case_actions ON audit_log (actor_id, at) WHERE case_id IS NOT NULL;
