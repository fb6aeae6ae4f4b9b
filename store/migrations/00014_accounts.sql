-- +goose Up
-- Invitations to create a local account. The link's token is kept only as
-- its SHA-256 hash; accepted_at/user_id or revoked_at close it.
CREATE TABLE invitations (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash   bytea NOT NULL,
    email        text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    roles        text[] NOT NULL,
    invited_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   timestamptz,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_roles_check CHECK (cardinality(roles) > 0)
);
CREATE INDEX invitations_created_idx ON invitations (created_at DESC, id DESC);

-- Password-reset links of local accounts, by the SHA-256 of their token.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
DROP TABLE invitations;
