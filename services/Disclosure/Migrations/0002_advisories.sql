-- Every draft revision received (AdvisoryDraftUpdated), kept privately.
CREATE TABLE draft_revisions (
    case_id     uuid        NOT NULL,
    revision    int         NOT NULL,
    draft       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, revision)
);

-- A PublishAdvisory that named a revision not received yet; the draft consumer completes it.
CREATE TABLE pending_publications (
    case_id      uuid        NOT NULL,
    revision     int         NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, revision)
);

-- <PREFIX>-<year>-<n>: one sequence per year.
CREATE TABLE advisory_id_sequences (
    year        int PRIMARY KEY,
    last_number int NOT NULL
);

-- One row per case once it is public; nothing of a case is here before its publication.
CREATE TABLE advisories (
    case_id          uuid        PRIMARY KEY,
    advisory_id      text        NOT NULL UNIQUE,
    cve_id           text        NULL,
    title            text        NOT NULL,
    ecosystems       text[]      NOT NULL,
    packages         text[]      NOT NULL,
    published_at     timestamptz NOT NULL,
    modified_at      timestamptz NOT NULL,
    withdrawn_at     timestamptz NULL,
    current_version  int         NOT NULL,
    current_revision int         NOT NULL
);
CREATE INDEX advisories_newest ON advisories (published_at DESC, advisory_id DESC);

-- Each published version with its three records (text, so the bytes and key order stay as rendered).
CREATE TABLE advisory_versions (
    case_id      uuid        NOT NULL REFERENCES advisories (case_id),
    version      int         NOT NULL,
    revision     int         NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('publish', 'withdraw')),
    published_at timestamptz NOT NULL,
    summary      text        NOT NULL,
    osv          text        NOT NULL,
    cve          text        NULL,
    csaf         text        NOT NULL,
    PRIMARY KEY (case_id, version)
);
-- A draft revision is published at most once per case.
CREATE UNIQUE INDEX advisory_versions_once ON advisory_versions (case_id, revision) WHERE kind = 'publish';

-- The announcement queue: written in the publication's transaction, sent by AnnouncementSender.
CREATE TABLE announcements (
    id              bigserial   PRIMARY KEY,
    case_id         uuid        NOT NULL,
    version         int         NOT NULL,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz NULL,
    given_up_at     timestamptz NULL,
    last_error      text        NULL,
    UNIQUE (case_id, version)
);
CREATE INDEX announcements_due ON announcements (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
