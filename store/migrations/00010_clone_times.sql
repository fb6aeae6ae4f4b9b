-- +goose Up
-- How long each clone held its clone slot (acquired to released), written
-- by ReleaseCloneSlot. A VM clone's holder is its workflow id
-- (vm/<vm-id>/...), which names the VM and so its template and clone mode:
-- capacity planning estimates a template's clone time from its recent rows.
-- Rows older than 90 days are deleted as new ones arrive.
CREATE TABLE clone_times (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    holder      text NOT NULL,
    template_id uuid,
    linked      boolean,
    node_id     uuid NOT NULL,
    storage     text NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clone_times_template_idx ON clone_times (template_id, linked, finished_at DESC)
    WHERE template_id IS NOT NULL;
CREATE INDEX clone_times_finished_idx ON clone_times (finished_at);

-- +goose Down
DROP TABLE clone_times;
