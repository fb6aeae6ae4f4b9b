package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// cloneTimeRetention is how long ReleaseCloneSlot keeps clone times.
const cloneTimeRetention = 90 * 24 * time.Hour

// cloneTimeSamples is how many of a template's most recent clones
// CloneTimeEstimate weighs.
const cloneTimeSamples = 20

// CloneTimeEstimate is the median time the template's last 20 clones in
// that mode (linked or full) held their clone slot — the clone itself,
// not the wait for a slot, which capacity planning models separately —
// as ReleaseCloneSlot recorded it. With nothing measured it is
// domain.DefaultCloneTime(linked): 60 s linked, 5 min full.
func (db *DB) CloneTimeEstimate(ctx context.Context, templateID uuid.UUID, linked bool) (time.Duration, error) {
	var secs *float64
	err := db.q.QueryRow(ctx, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM (
			SELECT extract(epoch FROM finished_at - started_at)::float8 AS secs FROM clone_times
			WHERE template_id = $1 AND linked = $2 ORDER BY finished_at DESC LIMIT $3) recent`,
		templateID, linked, cloneTimeSamples).Scan(&secs)
	if err != nil {
		return 0, mapErr(err, "clone times of template "+templateID.String())
	}
	if secs == nil {
		return domain.DefaultCloneTime(linked), nil
	}
	return time.Duration(*secs * float64(time.Second)).Round(time.Second), nil
}
