package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestEventEndToEndThroughFaultsAndOutages deploys a 24-participant event while
// 10% of the clone and start tasks fail, the cluster listing lags a second
// behind and Guacamole and Moodle are down: the VMs
// still deploy, every item ends ready or listed as failed (none waits for
// an operator), the connections, the course and the enrolments wait and
// are made once the services return, and retry-failed provisions exactly
// the failed items. (Like TestEventEndToEndWithConnectionsCourseAndMail it
// runs outside the race-detector run.)
func TestEventEndToEndThroughFaultsAndOutages(t *testing.T) {
	t.Parallel()
	const n = 24
	// At a tenth of real time the cluster listing lags a second behind (a
	// real cluster's 10 s refresh), and a linked clone takes half a second.
	l := newServiceLab(t, pvesim.Config{TimeScale: 0.1}, 16)
	group, _ := l.participants(t, "flt", n)
	r := l.s.Do(t, "POST", "/api/v1/environments", l.instructor, map[string]any{"name": "Faulty lab",
		"moodle_template_course": 2, "machines": []map[string]any{
			{"template_id": l.template.ID, "name": "box", "count": 1, "clone_mode": "linked",
				"connections": []map[string]any{{"protocol": "vnc", "password": "lab-pass-3"}}},
		}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)

	// Failed clone tasks ("got timeout") are retried by the clone; a failed
	// start fails its item.
	require.NoError(t, l.sim.SetFaults(pvesim.Faults{TaskFailureRates: map[string]float64{"qmclone": 0.1, "qmstart": 0.1}}))
	// Guacamole answers 503 rather than refusing connections: a refused
	// port is given up, and a test running beside this one could take it
	// before Guacamole returns (internal/guacamole tests the refused case).
	require.NoError(t, l.guac.SetDown(guacsim.Unavailable))
	l.moodle.SetDown(true)

	start := time.Now().Add(15 * time.Second).UTC().Truncate(time.Second)
	r = l.s.Do(t, "POST", "/api/v1/events", l.instructor, map[string]any{"name": "Faults 101", "short_name": "flt101",
		"environment_id": env.ID, "starts_at": start.Format(time.RFC3339), "lead_time": "14s", "transition_period": "2s"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev eventFields
	r.JSON(t, &ev)
	path := "/api/v1/events/" + ev.ID.String()
	r = l.s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"group_id": group})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	// Every item ends ready or failed, while both services are down.
	counts := func() (ready, failed int) {
		for _, it := range l.overview(t, path, l.instructor).Items {
			switch it.State {
			case domain.ItemReady:
				ready++
			case domain.ItemFailed:
				failed++
				require.Equal(t, "clone", it.LastStep, "%+v", it)
			}
		}
		return ready, failed
	}
	require.Eventually(t, func() bool {
		ready, failed := counts()
		return ready+failed == n
	}, 2*time.Minute, 250*time.Millisecond, "every item is ready or listed as failed")
	require.Eventually(t, func() bool { return l.eventState(t, path) == domain.EventRunning }, time.Minute, 250*time.Millisecond,
		"the event runs at its start though Guacamole and Moodle are down")
	ready, failed := counts()
	t.Logf("with 10%% of clone and start tasks failing: %d ready, %d failed", ready, failed)
	require.Positive(t, ready)
	require.Empty(t, l.guac.Connections(), "no connection while Guacamole is down")
	_, copied := l.eventCourse(t, "flt101")
	require.False(t, copied, "no course while Moodle is down")

	// The services return: what waited is done.
	require.NoError(t, l.guac.SetDown(guacsim.Up))
	l.moodle.SetDown(false)
	require.Eventually(t, func() bool { return len(l.guac.Connections()) == ready }, 3*time.Minute, 500*time.Millisecond,
		"one connection per ready VM once Guacamole is back")
	require.Eventually(t, func() bool {
		c, ok := l.eventCourse(t, "flt101")
		return ok && len(l.moodle.Enrolments(c.ID)) == n
	}, 3*time.Minute, 500*time.Millisecond, "the course is copied and every participant enrolled once Moodle is back")

	// Retry the failed items: only those are cloned again.
	require.NoError(t, l.sim.SetFaults(pvesim.Faults{}))
	if failed == 0 {
		r = l.s.Do(t, "POST", path+"/retry-failed", l.instructor, nil)
		require.Equal(t, http.StatusConflict, r.Status, "nothing to retry: %s", r.Body)
		return
	}
	guests := len(labforgeGuests(l.sim))
	require.Equal(t, ready, guests, "a failed clone leaves no guest behind")
	r = l.s.Do(t, "POST", path+"/retry-failed", l.instructor, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Eventually(t, func() bool {
		ready, _ := counts()
		return ready == n && len(l.guac.Connections()) == n
	}, 2*time.Minute, 250*time.Millisecond, "retry-failed provisions the failed items and their connections")
	require.Len(t, labforgeGuests(l.sim), n)
}
