-- +goose Up
-- The address that opens each event connection in the browser (the
-- Guacamole client URL), so that the event's page and e-mails link to it.
ALTER TABLE event_connections ADD COLUMN url text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE event_connections DROP COLUMN url;
