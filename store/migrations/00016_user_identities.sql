-- +goose Up
-- The external identities that sign in as a Labforge user: an entry of
-- the LDAP directory (provider 'ldap', subject: its username there, lower
-- case) or an OIDC provider's subject (provider 'oidc:<id>', subject: the
-- ID token's sub claim). A user created by a sign-in has the identity it
-- was created for; a local account may be linked to an OIDC identity by a
-- verified e-mail address (LABFORGE_OIDC_LINK_BY_EMAIL).
CREATE TABLE user_identities (
    provider        text NOT NULL,
    subject         text NOT NULL,
    user_id         uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject),
    CONSTRAINT user_identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX user_identities_user_idx ON user_identities (user_id);

-- +goose Down
DROP TABLE user_identities;
