-- +goose Up
-- Console sessions: the browser holds a random token in an HttpOnly
-- cookie; the row is found by the token's SHA-256. A session ends at
-- expires_at (absolute), after idle_timeout without a request, or when
-- revoked (sign-out, or a change to the user's credentials below).
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    method       text NOT NULL,
    client_ip    text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    idle_timeout interval NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Access tokens carry the user's token_version; a token whose version is
-- not the user's current one is refused. The triggers below raise it, and
-- revoke the user's sessions, whenever the user is disabled, their
-- password changes or their roles change, on every path that changes them.
ALTER TABLE users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION users_revoke_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.token_version := OLD.token_version + 1;
    UPDATE sessions SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER users_revoke_credentials BEFORE UPDATE ON users FOR EACH ROW
    WHEN ((NEW.disabled AND NOT OLD.disabled) OR NEW.password_hash IS DISTINCT FROM OLD.password_hash)
    EXECUTE FUNCTION users_revoke_credentials();

-- +goose StatementBegin
CREATE FUNCTION user_roles_revoke_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uid uuid := COALESCE(NEW.user_id, OLD.user_id);
BEGIN
    UPDATE users SET token_version = token_version + 1 WHERE id = uid;
    UPDATE sessions SET revoked_at = now() WHERE user_id = uid AND revoked_at IS NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER user_roles_revoke_credentials AFTER INSERT OR DELETE ON user_roles FOR EACH ROW
    EXECUTE FUNCTION user_roles_revoke_credentials();

-- +goose Down
DROP TRIGGER user_roles_revoke_credentials ON user_roles;
DROP FUNCTION user_roles_revoke_credentials();
DROP TRIGGER users_revoke_credentials ON users;
DROP FUNCTION users_revoke_credentials();
ALTER TABLE users DROP COLUMN token_version;
DROP TABLE sessions;
