-- +goose Up
-- API keys: a script presents lf_<prefix>_<secret>; the prefix finds the
-- row, the SHA-256 of the secret proves it. A revoked key keeps its row
-- (revoked_at) so that a request with it can be told why it is refused.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    secret_hash  bytea NOT NULL,
    read_only    boolean NOT NULL DEFAULT false,
    expires_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix)
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC, id DESC) WHERE revoked_at IS NULL;

-- Idempotency-Keys: the row is inserted before the request is answered
-- (status NULL: in progress), so that a concurrent duplicate finds it and
-- starts nothing; the answer is stored once the request is done. Rows
-- live 24 hours; each user's expired rows are deleted as they send new
-- keys.
CREATE TABLE idempotency_keys (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         text NOT NULL,
    fingerprint text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    status      integer,
    location    text NOT NULL DEFAULT '',
    body        bytea,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (user_id, created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
