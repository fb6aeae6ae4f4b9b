package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/workflows"
)

// TestContainersAPI runs the containers API on the real stack (PostgreSQL,
// the embedded Temporal server) up to the workflows it starts: no worker
// polls the core queue here, so CreateContainer stays scheduled and the
// container creating. A participant creates a container with services on
// the only site; names taken are conflicts naming the field; another
// participant sees it only as its collaborator, and may not delete it.
func TestContainersAPI(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.WithQueues(activities.QueuePVEPeriodic))
	admin := s.AdminToken(t)
	var site domain.Site
	r := s.Do(t, "POST", "/api/v1/sites", admin, validSiteRequest())
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r.JSON(t, &site)
	r = s.Do(t, "POST", "/api/v1/external-domains", admin,
		with(validDomainRequest(), map[string]any{"name": "apps.example.org", "site_id": site.ID.String()}))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	pat := participantToken(t, s, admin)
	r = s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "sam", "email": "sam@example.org", "password": "participant-password-2"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var sam domain.User
	r.JSON(t, &sam)
	samToken := s.Login(t, "sam", "participant-password-2")

	var ct api.ContainerView
	apptest.Step(t, "create", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/containers", pat, validContainerRequest())
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		var op domain.Operation
		r.JSON(t, &op)
		require.Equal(t, "container.create", op.Kind)
		_, err := s.Platform.Temporal.DescribeWorkflowExecution(t.Context(), op.WorkflowID, "")
		require.NoError(t, err, "CreateContainer was started")

		r = s.Do(t, "GET", "/api/v1/containers/"+op.TargetID, pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &ct)
		require.Equal(t, workflows.CreateContainerWorkflowID(ct.ID), op.WorkflowID)
		require.Equal(t, domain.ContainerCreating, ct.Status)
		require.Equal(t, site.ID, ct.SiteID)
		require.Equal(t, "web.lab.example.org", ct.DNSName)
		require.Equal(t, api.ResourcesView{Cores: 1, MemoryMB: 512, SwapMB: 512, DiskGB: 8}, ct.Resources)
		require.Len(t, ct.Services, 2)
		require.Equal(t, "https://app.apps.example.org/", *ct.Services[0].PublicAddress)
		require.Equal(t, "https", ct.Services[0].Backend)
		require.Nil(t, ct.Services[1].PublicAddress, "no port before the container holds an address")
	})

	apptest.Step(t, "conflicts name the field", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/containers", samToken, validContainerRequest())
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"hostname":"is already taken"`)
		r = s.Do(t, "POST", "/api/v1/containers", samToken, with(validContainerRequest(), map[string]any{"hostname": "other"}))
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"services[0].external_hostname":"is already taken"`)
		r = s.Do(t, "POST", "/api/v1/containers", samToken, with(validContainerRequest(), map[string]any{"hostname": "other",
			"services": []map[string]any{{"protocol": "http", "internal_port": 80, "external_hostname": "app.elsewhere.example.net"}}}))
		require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"services[0].external_hostname":"must be a name under one of the site's external domains (apps.example.org)"`)
	})

	path := "/api/v1/containers/" + ct.ID.String()
	visible := func(token string) int {
		var list struct{ Items []api.ContainerView }
		r := s.Do(t, "GET", "/api/v1/containers", token, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &list)
		return len(list.Items)
	}
	apptest.Step(t, "collaborator", func(t *testing.T) {
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", path, samToken, nil).Status)
		require.Zero(t, visible(samToken))
		r := s.Do(t, "POST", path+"/collaborators", pat, map[string]any{"user_id": sam.ID})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))

		require.Equal(t, http.StatusOK, s.Do(t, "GET", path, samToken, nil).Status)
		require.Equal(t, 1, visible(samToken))
		require.Equal(t, http.StatusForbidden, s.Do(t, "DELETE", path, samToken, nil).Status)
		require.Equal(t, http.StatusForbidden, s.Do(t, "GET", path+"/collaborators", samToken, nil).Status)
		r = s.Do(t, "POST", path+"/start", samToken, nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "(container.create) is in progress for this container")

		r = s.Do(t, "DELETE", path+"/collaborators/"+sam.ID.String(), pat, nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", path, samToken, nil).Status)
	})

	apptest.Step(t, "administrators see every container", func(t *testing.T) {
		require.Equal(t, 1, visible(admin))
		var list struct{ Items []api.ContainerView }
		r := s.Do(t, "GET", "/api/v1/containers?status=running", admin, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &list)
		require.Empty(t, list.Items)
	})
}
