-- Permissions may be granted to a group: every member holds them.

-- +goose Up
ALTER TABLE permissions ADD COLUMN group_id uuid;
ALTER TABLE permissions ADD CONSTRAINT permissions_group_id_fkey
    FOREIGN KEY (group_id) REFERENCES groups (id) ON DELETE CASCADE;
ALTER TABLE permissions DROP CONSTRAINT permissions_one_grantee;
ALTER TABLE permissions ADD CONSTRAINT permissions_one_grantee
    CHECK (num_nonnulls(user_id, role, group_id) = 1);
DROP INDEX permissions_grant_key;
CREATE UNIQUE INDEX permissions_grant_key ON permissions (
    object_type,
    COALESCE(object_id, '00000000-0000-0000-0000-000000000000'),
    key,
    COALESCE(user_id, '00000000-0000-0000-0000-000000000000'),
    COALESCE(role, ''),
    COALESCE(group_id, '00000000-0000-0000-0000-000000000000')
);
CREATE INDEX permissions_group_idx ON permissions (group_id) WHERE group_id IS NOT NULL;

-- +goose Down
DELETE FROM permissions WHERE group_id IS NOT NULL;
DROP INDEX permissions_group_idx;
DROP INDEX permissions_grant_key;
CREATE UNIQUE INDEX permissions_grant_key ON permissions (
    object_type,
    COALESCE(object_id, '00000000-0000-0000-0000-000000000000'),
    key,
    COALESCE(user_id, '00000000-0000-0000-0000-000000000000'),
    COALESCE(role, '')
);
ALTER TABLE permissions DROP CONSTRAINT permissions_one_grantee;
ALTER TABLE permissions ADD CONSTRAINT permissions_one_grantee CHECK ((user_id IS NULL) <> (role IS NULL));
ALTER TABLE permissions DROP COLUMN group_id;
