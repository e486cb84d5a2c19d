-- Shared by every service, created in the service's own schema (search_path).
-- Transactional outbox: rows written in the same transaction as the change they announce,
-- published by OutboxDispatcher after commit.
CREATE TABLE outbox_messages (
    id           bigserial PRIMARY KEY,
    message_id   uuid        NOT NULL UNIQUE,
    message_type text        NOT NULL,
    destination  text        NULL,      -- null: publish; else a send address such as queue:embargo-scheduler
    body         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Idempotent consumers: the message id recorded in the same transaction as the effect.
CREATE TABLE processed_messages (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

-- Member tokens revoked anywhere (fed by MemberAccessRevoked), checked on every authenticated request.
CREATE TABLE revoked_tokens (
    token_id   uuid PRIMARY KEY,
    revoked_at timestamptz NOT NULL
);
CREATE TABLE revoked_members (
    member_id  uuid PRIMARY KEY,
    revoked_at timestamptz NOT NULL   -- tokens issued at or before this instant are refused
);
