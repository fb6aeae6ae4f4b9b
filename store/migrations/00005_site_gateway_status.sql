-- +goose Up
-- What a site's gateway host last applied: the snapshot's hash, when, and
-- whether NGINX and dnsmasq accepted it (gateway_error holds the tool's
-- message when not). All NULL until a gateway has applied the site.
ALTER TABLE sites
    ADD COLUMN gateway_applied_at timestamptz,
    ADD COLUMN gateway_hash text,
    ADD COLUMN gateway_status text,
    ADD COLUMN gateway_error text,
    ADD CONSTRAINT sites_gateway_status_check CHECK (gateway_status IN ('applied', 'failed'));

-- +goose Down
ALTER TABLE sites
    DROP CONSTRAINT sites_gateway_status_check,
    DROP COLUMN gateway_error,
    DROP COLUMN gateway_status,
    DROP COLUMN gateway_hash,
    DROP COLUMN gateway_applied_at;
