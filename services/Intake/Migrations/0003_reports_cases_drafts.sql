-- Reports (from the web form or the security@ mailbox). Reporter tokens are stored only as SHA-256 hashes.
CREATE TABLE cases (
    id             uuid PRIMARY KEY,
    status         text        NOT NULL CHECK (status IN ('open', 'embargo-requested', 'withdrawal-requested')),
    coordinator_id uuid        NOT NULL,
    opened_by      uuid        NOT NULL,
    opened_at      timestamptz NOT NULL,
    draft_revision integer     NOT NULL DEFAULT 0,
    draft          jsonb       NOT NULL
);

CREATE TABLE reports (
    id                  uuid PRIMARY KEY,
    source              text        NOT NULL CHECK (source IN ('web', 'email')),
    reporter_name       text        NOT NULL,
    reporter_email      text        NOT NULL,
    subject             text        NULL,
    components          text[]      NOT NULL DEFAULT '{}',
    description         text        NOT NULL,
    encrypted           boolean     NOT NULL,
    credit_wanted       boolean     NOT NULL,
    credit_name         text        NULL,
    credit_types        text[]      NOT NULL DEFAULT '{}',
    reporter_token_hash text        NOT NULL UNIQUE,
    message_id          text        NULL UNIQUE,   -- email: the Message-Id, so a message fetched twice makes one report
    raw_message         bytea       NULL,          -- email: the message exactly as received
    received_at         timestamptz NOT NULL,
    case_id             uuid        NULL REFERENCES cases (id)
);
CREATE INDEX reports_case ON reports (case_id);

CREATE TABLE report_attachments (
    id           uuid PRIMARY KEY,
    report_id    uuid   NOT NULL REFERENCES reports (id),
    file_name    text   NULL,
    content_type text   NOT NULL,
    content      bytea  NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

CREATE TABLE report_replies (
    id          uuid PRIMARY KEY,
    report_id   uuid        NOT NULL REFERENCES reports (id),
    author_id   uuid        NOT NULL,
    author_name text        NOT NULL,
    body        text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX report_replies_report ON report_replies (report_id, at);

-- Every revision of every draft, as published in AdvisoryDraftUpdated.
CREATE TABLE draft_revisions (
    case_id    uuid        NOT NULL REFERENCES cases (id),
    revision   integer     NOT NULL,
    draft      jsonb       NOT NULL,
    updated_by uuid        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, revision)
);
