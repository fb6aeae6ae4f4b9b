-- Node API token secrets are kept sealed (AES-256-GCM) under a key named
-- by token_secret_key_id, as connection passwords are. Rows written by
-- older versions keep their plain token_secret until a process that holds
-- LABFORGE_SECRET_KEY starts (store.DB.SealPlainSecrets) or secrets are
-- rotated; a row is either plain or sealed, never both, never neither.

-- +goose Up
ALTER TABLE nodes
    ADD COLUMN token_secret_key_id text,
    ADD COLUMN token_secret_ciphertext bytea,
    ALTER COLUMN token_secret SET DEFAULT '',
    ADD CONSTRAINT nodes_token_sealed_check CHECK (
        (token_secret_key_id IS NULL) = (token_secret_ciphertext IS NULL)),
    ADD CONSTRAINT nodes_token_secret_check CHECK (
        (token_secret = '') <> (token_secret_key_id IS NULL));

-- +goose Down
-- Sealed secrets cannot be opened here: a node sealed since the upgrade
-- needs its token registered again after a downgrade.
ALTER TABLE nodes
    DROP CONSTRAINT nodes_token_secret_check,
    DROP CONSTRAINT nodes_token_sealed_check,
    ALTER COLUMN token_secret DROP DEFAULT,
    DROP COLUMN token_secret_ciphertext,
    DROP COLUMN token_secret_key_id;
