-- One row per case: the coordination saga, loaded FOR UPDATE inside each consume transaction.
CREATE TABLE coordination_sagas (
    correlation_id uuid        PRIMARY KEY,
    current_state  text        NULL,
    version        integer     NOT NULL DEFAULT 0,
    body           jsonb       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
