-- Team members and their personal API tokens. Tokens are stored only as SHA-256 hashes
-- (MemberTokenCodec.Hash); the token text is shown once when issued.
CREATE TABLE members (
    id             uuid PRIMARY KEY,
    name           text        NOT NULL,
    email          text        NOT NULL,
    public_handle  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('admin', 'member', 'release-manager')),
    joined_at      timestamptz NOT NULL,
    removed_at     timestamptz NULL,
    removed_by     uuid        NULL,
    removal_reason text        NULL
);
-- Current members only: a removed member's handle or email may come back later.
CREATE UNIQUE INDEX members_email_current ON members (lower(email)) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX members_handle_current ON members (lower(public_handle)) WHERE removed_at IS NULL;

CREATE TABLE member_tokens (
    id         uuid PRIMARY KEY,
    member_id  uuid        NOT NULL REFERENCES members (id),
    token_hash text        NOT NULL UNIQUE,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NULL,
    issued_by  uuid        NULL,
    revoked_at timestamptz NULL
);
CREATE INDEX member_tokens_member ON member_tokens (member_id);

-- Append-only audit log: every action on a case (and every governance action), with who and when.
-- Actor name is copied so a removed member's past actions stay under their name.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    case_id    uuid        NULL,
    actor_id   uuid        NULL,
    actor_name text        NOT NULL,
    action     text        NOT NULL,
    detail     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at         timestamptz NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, id) WHERE case_id IS NOT NULL;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
