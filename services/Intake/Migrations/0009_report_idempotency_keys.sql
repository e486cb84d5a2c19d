-- POST /reports with an Idempotency-Key: a retry of the same request is answered as the first one was, from here.
-- Neither the key nor the reporter token is stored: the key as its SHA-256, the token sealed (AES-GCM) under a key
-- derived from the Idempotency-Key, so only a client holding that key can have it back (Reports/IdempotencyKey.cs).
CREATE TABLE report_idempotency_keys (
    key_hash     bytea       PRIMARY KEY,
    request_hash bytea       NOT NULL,   -- SHA-256 of the request's fields: the same key with another request is refused
    report_id    uuid        NOT NULL REFERENCES reports (id),
    sealed_token bytea       NOT NULL,   -- nonce, tag, ciphertext
    created_at   timestamptz NOT NULL    -- an entry older than its lifetime is ignored, and replaced when the key comes again
);
