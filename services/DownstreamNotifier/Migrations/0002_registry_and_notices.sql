-- Downstream projects, their packages (dependency edges) and contacts with optional OpenPGP keys.
CREATE TABLE projects (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    ecosystem   text,
    homepage    text,
    channels    text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX projects_name_key ON projects (lower(name));

-- relation: 'depends' (the project depends on the package) or 'ships' (the project is/ships the package).
CREATE TABLE project_packages (
    project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    purl        text NOT NULL,
    package_key text NOT NULL,
    relation    text NOT NULL,
    PRIMARY KEY (project_id, package_key, relation)
);
CREATE INDEX project_packages_key ON project_packages (package_key);

CREATE TABLE contacts (
    id              uuid PRIMARY KEY,
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name            text NOT NULL,
    email           text NOT NULL,
    role            text,
    time_zone       text,
    public_key      text,
    key_fingerprint text,
    key_expires_at  timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX contacts_project_email ON contacts (project_id, lower(email));

-- Private copies of what other services own.
CREATE TABLE case_drafts (
    case_id     uuid PRIMARY KEY,
    revision    int NOT NULL,
    draft       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE case_embargoes (
    case_id       uuid PRIMARY KEY,
    disclosure_at timestamptz NOT NULL,
    channels      text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE recipient_overrides (
    case_id     uuid NOT NULL,
    project_id  uuid NOT NULL,
    mode        text NOT NULL CHECK (mode IN ('include', 'exclude')),
    PRIMARY KEY (case_id, project_id)
);

-- One round of notices (one NotifyDownstream).
CREATE TABLE notifications (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL,
    kind          text NOT NULL,
    disclosure_at timestamptz NOT NULL,
    channels      text[] NOT NULL DEFAULT '{}',
    reason        text,
    advisory_id   text,
    advisory_urls text[] NOT NULL DEFAULT '{}',
    draft         jsonb,
    total         int NOT NULL,
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz
);
CREATE INDEX notifications_open ON notifications (created_at) WHERE completed_at IS NULL;

-- state: pending, deferred, sent, failed. mode: encrypted, plain, link_only.
CREATE TABLE notices (
    id              bigserial PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id),
    case_id         uuid NOT NULL,
    contact_id      uuid NOT NULL,
    project_id      uuid NOT NULL,
    email           text NOT NULL,
    kind            text NOT NULL,
    mode            text NOT NULL,
    path            text[] NOT NULL DEFAULT '{}',
    state           text NOT NULL DEFAULT 'pending',
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    server_reply    text,
    sent_at         timestamptz,
    UNIQUE (case_id, contact_id, kind, notification_id)
);
CREATE INDEX notices_due ON notices (next_attempt_at, id) WHERE state IN ('pending', 'deferred');
CREATE INDEX notices_case ON notices (case_id);
CREATE INDEX notices_notification ON notices (notification_id, state);

-- Written in its own autocommit statement the moment the SMTP server accepts a notice, while the notice row
-- is still locked by the sender's batch transaction: a crash before that batch commits leaves this record,
-- so the notice is not sent again.
CREATE TABLE notice_acceptances (
    notice_id    bigint PRIMARY KEY,
    server_reply text,
    accepted_at  timestamptz NOT NULL
);

CREATE TABLE acknowledgements (
    case_id         uuid NOT NULL,
    contact_id      uuid NOT NULL,
    acknowledged_at timestamptz NOT NULL,
    status          text,
    statement       text,
    status_at       timestamptz,
    PRIMARY KEY (case_id, contact_id)
);
