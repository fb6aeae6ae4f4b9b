package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// TestE2EEventRunsItsLifecycle runs a small event on the real stack and the
// Proxmox simulator: two participants with one VM each, deploying seconds
// ahead of a start a few seconds away, ended early through the API, then
// torn down after a short transition. It asserts what the simulator and
// the store saw.
func TestE2EEventRunsItsLifecycle(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{CloneLinked: 500 * time.Second})
	s := l.s
	r := s.Do(t, "POST", "/api/v1/environments", l.instructor, map[string]any{"name": "Linux lab", "machines": []map[string]any{{
		"template_id": l.template.ID, "name": "web", "count": 1, "clone_mode": "linked"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)

	path := l.eventSoon(t, env.ID, "Linux basics", "lin-e2e")
	userID := func(token string) uuid.UUID {
		var me domain.User
		s.Do(t, "GET", "/api/v1/me", token, nil).JSON(t, &me)
		return me.ID
	}
	for _, token := range []string{l.pat, l.stranger} {
		r = s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"user_id": userID(token)})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}

	state := func() domain.EventState {
		var e eventFields
		s.Do(t, "GET", path, l.instructor, nil).JSON(t, &e)
		return e.State
	}
	require.Eventually(t, func() bool { return state() == domain.EventRunning }, 90*time.Second, 200*time.Millisecond,
		"the event deploys on its timer and runs at its start")
	var overview struct {
		Items []domain.EventItem `json:"items"`
	}
	// The event runs at its start whether or not every seat is ready; on
	// a busy machine the clones may still be finishing.
	require.Eventually(t, func() bool {
		s.Do(t, "GET", path+"/overview", l.instructor, nil).JSON(t, &overview)
		for _, it := range overview.Items {
			if it.State != domain.ItemReady {
				return false
			}
		}
		return len(overview.Items) == 2
	}, 60*time.Second, 200*time.Millisecond, "both seats become ready")
	for _, it := range overview.Items {
		require.NotNil(t, it.VMID)
	}
	require.Len(t, labforgeGuests(l.sim), 2, "one guest per participant in the simulator")

	// While it runs, one participant joins and one leaves: only theirs
	// are provisioned and torn down.
	zoe := userID(l.user(t, "zoe", domain.RoleParticipant))
	r = s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"user_id": zoe})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = s.Do(t, "DELETE", path+"/participants?user_id="+userID(l.stranger).String(), l.instructor, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	itemStates := func() map[uuid.UUID]domain.EventItemState {
		s.Do(t, "GET", path+"/overview", l.instructor, nil).JSON(t, &overview)
		out := map[uuid.UUID]domain.EventItemState{}
		for _, it := range overview.Items {
			out[it.UserID] = it.State
		}
		return out
	}
	require.Eventually(t, func() bool {
		st := itemStates()
		return st[zoe] == domain.ItemReady && st[userID(l.stranger)] == domain.ItemRemoved && st[l.patID] == domain.ItemReady
	}, 60*time.Second, 200*time.Millisecond, "zoe's VM is ready, sam's removed, pat's untouched")
	require.Len(t, labforgeGuests(l.sim), 2, "pat's and zoe's guests")

	r = s.Do(t, "POST", path+"/cancel", l.instructor, nil)
	require.Equal(t, http.StatusConflict, r.Status, "a running event is not cancelled: %s", r.Body)
	r = s.Do(t, "POST", path+"/end", l.instructor, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var sum workflows.EventSummary
	r.JSON(t, &sum)
	require.Equal(t, domain.EventEnded, sum.State)

	require.Eventually(t, func() bool { return state() == domain.EventDecommissioned }, 90*time.Second, 200*time.Millisecond,
		"the event is torn down after its transition period")
	require.Empty(t, labforgeGuests(l.sim), "no event VM is left in the simulator")
	s.Do(t, "GET", path+"/overview", l.instructor, nil).JSON(t, &overview)
	for _, it := range overview.Items {
		require.Equal(t, domain.ItemRemoved, it.State, "%+v", it)
	}

	// The e-mails are in the log (sent or, without SMTP, skipped).
	logged := func(template string) int {
		var list struct {
			Items []domain.Email `json:"items"`
		}
		s.Do(t, "GET", "/api/v1/email-log?template="+template, l.admin, nil).JSON(t, &list)
		return len(list.Items)
	}
	require.Equal(t, 3, logged(mail.EventDeployed), "pat, sam, then zoe")
	require.Equal(t, 2, logged(mail.EventEnded), "pat and zoe")

	// The timeline holds every state change the lifecycle made, oldest first.
	var timeline struct {
		Items []domain.EventActivity `json:"items"`
	}
	r = s.Do(t, "GET", path+"/timeline?order=oldest", l.instructor, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &timeline)
	var states []string
	items := 0
	for _, a := range timeline.Items {
		switch a.Kind {
		case domain.EventActivityStateChanged:
			states = append(states, a.Details["state"].(string))
		case domain.EventActivityItemReady:
			items++
		}
	}
	require.Equal(t, []string{"deploying", "ready", "running", "ended", "decommissioning", "decommissioned"}, states)
	require.Equal(t, 3, items, "each participant's VM got ready")
}

// eventFields is the part of an event view these tests read.
// eventSoon has the instructor create an event of env that starts in
// six seconds, deploys a second from now, ends an hour later and is torn
// down two seconds after it ends, and returns its path.
func (l *vmLab) eventSoon(t *testing.T, env uuid.UUID, name, shortName string) string {
	t.Helper()
	start := time.Now().Add(6 * time.Second).UTC().Truncate(time.Second)
	r := l.s.Do(t, "POST", "/api/v1/events", l.instructor, map[string]any{"name": name, "short_name": shortName,
		"environment_id": env, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
		"lead_time": "5s", "transition_period": "2s"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev eventFields
	r.JSON(t, &ev)
	return "/api/v1/events/" + ev.ID.String()
}

type eventFields struct {
	ID    uuid.UUID         `json:"id"`
	State domain.EventState `json:"state"`
}
