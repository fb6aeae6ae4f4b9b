package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// vmLab is a stack with the simulator's cluster imported and synced, so
// its templates exist, and an instructor, a participant and a stranger.
type vmLab struct {
	s          *apptest.Stack
	sim        *pvesim.Server
	admin      string
	instructor string
	pat        string
	patID      uuid.UUID
	stranger   string
	// template is the first QEMU template; templates are all of them, by
	// cluster and VMID.
	template  domain.VMTemplate
	templates []domain.VMTemplate
	// tokenSecret is the simulator's API token secret the nodes are
	// imported with.
	tokenSecret string
}

// labOptions shape a vmLab: the simulator's configuration, the stack's
// options and the clone_concurrency of the imported nodes (0 keeps the
// API's default).
type labOptions struct {
	sim              pvesim.Config
	stack            []apptest.Option
	cloneConcurrency int
	// tokenSecret is the secret of the seed's pvesim.DefaultTokenID token,
	// when the seed gives it another than pvesim.DefaultTokenSecret.
	tokenSecret string
}

// newVMLab starts a lab on the default simulated cluster at 1/1000 time,
// with durations overriding the simulator's (unscaled) ones.
func newVMLab(t *testing.T, durations pvesim.Durations) *vmLab {
	t.Helper()
	return startVMLab(t, labOptions{sim: pvesim.Config{TimeScale: 0.001, Durations: durations}})
}

// startVMLab starts a simulator and a stack as o says, imports the
// simulator's cluster as "lab", syncs it and creates the lab's users.
func startVMLab(t *testing.T, o labOptions) *vmLab {
	t.Helper()
	sim := pvesim.New(o.sim)
	t.Cleanup(sim.Close)
	s := apptest.Start(t, o.stack...)
	l := &vmLab{s: s, sim: sim, admin: s.AdminToken(t), tokenSecret: o.tokenSecret}
	if l.tokenSecret == "" {
		l.tokenSecret = pvesim.DefaultTokenSecret
	}
	l.importCluster(t, sim, "lab", o.cloneConcurrency)
	l.sync(t, "test-sync")

	var templates struct {
		Items []domain.VMTemplate `json:"items"`
	}
	r := s.Do(t, "GET", "/api/v1/templates?kind=qemu", l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &templates)
	require.NotEmpty(t, templates.Items)
	l.template, l.templates = templates.Items[0], templates.Items

	l.instructor = l.user(t, "ines", domain.RoleInstructor)
	l.pat = l.user(t, "pat", domain.RoleParticipant)
	var me domain.User
	s.Do(t, "GET", "/api/v1/me", l.pat, nil).JSON(t, &me)
	l.patID = me.ID
	l.stranger = l.user(t, "sam", domain.RoleParticipant)
	return l
}

// importCluster registers every node of sim's cluster as cluster through
// its first node, with the given clone_concurrency (0 for the default).
func (l *vmLab) importCluster(t *testing.T, sim *pvesim.Server, cluster string, cloneConcurrency int) {
	t.Helper()
	req := map[string]any{
		"name": sim.Nodes()[0], "cluster": cluster, "endpoint": sim.URL(), "token_id": pvesim.DefaultTokenID,
		"token_secret": l.tokenSecret, "tls_fingerprint": sim.Fingerprint(),
		"storages": []string{"local-lvm"}, "bridge": "vmbr0",
	}
	if cloneConcurrency > 0 {
		req["clone_concurrency"] = cloneConcurrency
	}
	r := l.s.Do(t, "POST", "/api/v1/nodes/import", l.admin, req)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	op := l.s.AwaitOperation(t, l.admin, r.Header.Get("Location"))
	require.Equal(t, domain.OpCompleted, op.State, op.Error)
}

// sync runs one inventory sync as workflow id and requires every cluster
// to have been read.
func (l *vmLab) sync(t *testing.T, id string) workflows.SyncInventoryResult {
	t.Helper()
	var synced workflows.SyncInventoryResult
	runPeriodic(t, l.s, id, workflows.SyncInventoryType, workflows.SyncInventoryInput{}, &synced)
	require.Zero(t, synced.Failed, "%+v", synced)
	return synced
}

// user creates an account with one role and signs in as it.
func (l *vmLab) user(t *testing.T, name, role string) string {
	t.Helper()
	const password = "a-long-enough-password-1"
	r := l.s.Do(t, "POST", "/api/v1/users", l.admin, map[string]any{
		"username": name, "email": name + "@example.org", "password": password, "roles": []string{role},
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	return l.s.Login(t, name, password)
}

// createVM asks for a VM for pat as the instructor and returns the VM id
// and the operation's location.
func (l *vmLab) createVM(t *testing.T, name string, start bool) (uuid.UUID, string) {
	t.Helper()
	return l.createVMFrom(t, l.template, name, start)
}

// createVMFrom is createVM from a given template.
func (l *vmLab) createVMFrom(t *testing.T, tpl domain.VMTemplate, name string, start bool) (uuid.UUID, string) {
	t.Helper()
	r := l.s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{
		"name": name, "owner_id": l.patID, "template_id": tpl.ID, "start": start,
	})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	var op domain.Operation
	r.JSON(t, &op)
	require.Equal(t, "vm.create", op.Kind)
	require.Equal(t, domain.ObjectVM, op.TargetType)
	id := uuid.MustParse(op.TargetID)
	require.Equal(t, workflows.CloneVMWorkflowID(id), op.WorkflowID)
	require.Equal(t, "/api/v1/operations/"+op.ID.String(), r.Header.Get("Location"))
	return id, r.Header.Get("Location")
}

// awaitState polls the operation at location until it reaches want.
func awaitState(t *testing.T, s *apptest.Stack, token, location string, want domain.OperationState) domain.Operation {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var op domain.Operation
		r := s.Do(t, "GET", location, token, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &op)
		if op.State == want {
			return op
		}
		require.False(t, op.State.Terminal(), "operation ended %s (%s) while waiting for %s", op.State, op.Error, want)
		if time.Now().After(deadline) {
			t.Fatalf("operation still %s at step %q after 60s, want %s", op.State, op.Step, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func requireConflict(t *testing.T, r *apptest.Response, contains string) {
	t.Helper()
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	var e api.ErrorBody
	r.JSON(t, &e)
	require.Contains(t, e.Error.Message, contains)
}

func TestVMLifecycleThroughAPI(t *testing.T) {
	t.Parallel()
	// A shutdown takes 3 s, long enough to send a second action meanwhile.
	l := newVMLab(t, pvesim.Durations{Shutdown: 3000 * time.Second})
	s := l.s
	vmID, location := l.createVM(t, "web-1", true)
	vmPath := "/api/v1/vms/" + vmID.String()
	var op domain.Operation
	var vm domain.VM

	apptest.Step(t, "the clone makes a running VM with an address", func(t *testing.T) {
		op = s.AwaitOperation(t, l.instructor, location)
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
		r := s.Do(t, "GET", vmPath, l.pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &vm)
		require.Equal(t, domain.GuestReady, vm.State)
		require.Equal(t, domain.PowerRunning, vm.Power)
		require.NotNil(t, vm.VMID)
		require.NotNil(t, vm.NodeID)
		require.NotNil(t, vm.IPv4)
		require.Equal(t, l.patID, vm.OwnerID)
		require.Equal(t, l.template.Cores, vm.Cores)
		_, exists := l.sim.Guest(op.Result["node"].(string), *vm.VMID)
		require.True(t, exists)
	})

	apptest.Step(t, "the owner lists it; a stranger neither lists nor sees it", func(t *testing.T) {
		var list struct {
			Items []domain.VM `json:"items"`
		}
		r := s.Do(t, "GET", "/api/v1/vms?state=ready", l.pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &list)
		require.Len(t, list.Items, 1)
		require.Equal(t, vmID, list.Items[0].ID)
		s.Do(t, "GET", "/api/v1/vms", l.stranger, nil).JSON(t, &list)
		require.Empty(t, list.Items)
		s.Do(t, "GET", "/api/v1/vms", l.admin, nil).JSON(t, &list)
		require.Len(t, list.Items, 1)
		require.Equal(t, http.StatusBadRequest, s.Do(t, "GET", "/api/v1/vms?state=sleeping", l.pat, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", vmPath, l.stranger, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "POST", vmPath+"/actions/stop", l.stranger, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "DELETE", vmPath, l.stranger, nil).Status)
		// The owner may power it but not delete it; a participant may not create VMs.
		require.Equal(t, http.StatusForbidden, s.Do(t, "DELETE", vmPath, l.pat, nil).Status)
		require.Equal(t, http.StatusForbidden, s.Do(t, "POST", "/api/v1/vms", l.pat, map[string]any{
			"name": "mine", "template_id": l.template.ID,
		}).Status)
	})

	apptest.Step(t, "a second action during a slow shutdown is refused naming it", func(t *testing.T) {
		r := s.Do(t, "POST", vmPath+"/actions/shutdown", l.pat, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		var shutdown domain.Operation
		r.JSON(t, &shutdown)
		require.Equal(t, "vm.shutdown", shutdown.Kind)
		requireConflict(t, s.Do(t, "POST", vmPath+"/actions/start", l.pat, nil),
			"operation "+shutdown.ID.String()+" (vm.shutdown) is in progress for this VM")
		requireConflict(t, s.Do(t, "DELETE", vmPath, l.admin, nil), shutdown.ID.String())
		shutdown = s.AwaitOperation(t, l.pat, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, shutdown.State, shutdown.Error)
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		require.Equal(t, domain.PowerStopped, vm.Power)
	})

	apptest.Step(t, "start, and a finished operation cannot be retried", func(t *testing.T) {
		r := s.Do(t, "POST", vmPath+"/actions/start", l.pat, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		started := s.AwaitOperation(t, l.pat, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, started.State, started.Error)
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		require.Equal(t, domain.PowerRunning, vm.Power)
		require.Equal(t, http.StatusNotFound, s.Do(t, "POST", vmPath+"/actions/explode", l.pat, nil).Status)

		// The owner may not retry at all.
		requireConflict(t, s.Do(t, "POST", "/api/v1/operations/"+started.ID.String()+"/retry", l.admin, nil), "is completed")
		require.Equal(t, http.StatusForbidden, s.Do(t, "POST", "/api/v1/operations/"+started.ID.String()+"/retry", l.pat, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "POST", "/api/v1/operations/"+started.ID.String()+"/abort", l.stranger, nil).Status)
	})

	apptest.Step(t, "reset rolls back to the baseline and keeps the VM running", func(t *testing.T) {
		r := s.Do(t, "POST", vmPath+"/actions/reset", l.pat, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		var reset domain.Operation
		r.JSON(t, &reset)
		require.Equal(t, "vm.reset", reset.Kind)
		reset = s.AwaitOperation(t, l.pat, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, reset.State, reset.Error)
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		require.Equal(t, domain.PowerRunning, vm.Power)
	})

	apptest.Step(t, "the creating instructor only reads it; an admin deletes it", func(t *testing.T) {
		require.Equal(t, http.StatusForbidden, s.Do(t, "DELETE", vmPath, l.instructor, nil).Status)
		r := s.Do(t, "DELETE", vmPath, l.admin, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		deleted := s.AwaitOperation(t, l.admin, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, deleted.State, deleted.Error)
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		require.Equal(t, domain.GuestDeleted, vm.State)
		_, exists := l.sim.Guest(op.Result["node"].(string), *vm.VMID)
		require.False(t, exists)
		requireConflict(t, s.Do(t, "POST", vmPath+"/actions/start", l.pat, nil), "not ready")
		requireConflict(t, s.Do(t, "DELETE", vmPath, l.admin, nil), "already deleted")
	})

	apptest.Step(t, "every mutation is in the audit log, with its actor", func(t *testing.T) {
		recs := s.Audit(t, domain.AuditFilter{ObjectType: domain.ObjectVM, ObjectID: vmID.String()})
		actions := map[string]string{}
		for _, rec := range recs {
			actions[rec.Action] = rec.ActorName
		}
		require.Equal(t, map[string]string{
			"vm.create": "ines", "vm.shutdown": "pat", "vm.start": "pat", "vm.reset": "pat", "vm.delete": "admin",
		}, actions)
	})
}

func TestCreateVMValidation(t *testing.T) {
	t.Parallel()
	// The cluster has an LXC template beside the QEMU ones.
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{
		VMID: 9100, Node: "pve1", Type: "lxc", Name: "debian-12-ct-template", Template: true,
	})
	l := startVMLab(t, labOptions{sim: pvesim.Config{Seed: seed, TimeScale: 0.001}})
	s := l.s
	var e api.ErrorBody

	r := s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{
		"name": "Not A Label", "owner_id": uuid.New(), "template_id": uuid.New(), "cores": 500, "memory_mb": -1,
	})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r.JSON(t, &e)
	for _, f := range []string{"name", "owner_id", "template_id", "cores", "memory_mb"} {
		require.Contains(t, e.Error.Fields, f)
	}

	r = s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{"name": "web-1", "template_id": "nine-thousand", "owner_id": "pat"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r.JSON(t, &e)
	require.Equal(t, "must be a template id", e.Error.Fields["template_id"])
	require.Equal(t, "must be a user id", e.Error.Fields["owner_id"])

	// An LXC template cannot become a VM, in a request otherwise valid.
	var cts struct {
		Items []domain.VMTemplate `json:"items"`
	}
	r = s.Do(t, "GET", "/api/v1/templates?kind=lxc", l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &cts)
	require.Len(t, cts.Items, 1, "the seeded LXC template is synced")
	require.Equal(t, domain.GuestLXC, cts.Items[0].Kind)
	r = s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{
		"name": "web-1", "owner_id": l.patID, "template_id": cts.Items[0].ID,
	})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	var lxc api.ErrorBody
	r.JSON(t, &lxc)
	require.Len(t, lxc.Error.Fields, 1, "%v", lxc.Error.Fields)
	require.Contains(t, lxc.Error.Fields["template_id"], "QEMU")

	r = s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{"name": "web-1"})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r.JSON(t, &e)
	require.Contains(t, e.Error.Fields, "template_id")

	r = s.Do(t, "POST", "/api/v1/vms", l.instructor, `{"name": "web-1", "template_id": "`+l.template.ID.String()+`", "cores": "two"}`)
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r.JSON(t, &e)
	require.Equal(t, "must be of type number", e.Error.Fields["cores"])

	r = s.Do(t, "POST", "/api/v1/vms", l.instructor, map[string]any{"name": "web-1", "template_id": l.template.ID, "gpu": true})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	r.JSON(t, &e)
	require.Equal(t, "is not a known field", e.Error.Fields["gpu"])
}

// cloneRefused makes Proxmox refuse every clone with an error a retry
// cannot fix, so a clone waits for its operator at once.
var cloneRefused = pvesim.Faults{
	EndpointErrorRates: map[string]float64{"POST /nodes/{node}/qemu/{vmid}/clone": 1},
	ErrorText:          "storage 'local-lvm' is not available on node 'pve1'",
}

// TestCloneAwaitsOperatorThenRetries makes Proxmox refuse the clone for
// good, so the operation waits for its operator at once; a retry after the
// fault is gone completes it.
//
// A node marked down answers 595, which is retryable: the operator is
// asked only once the step's attempts are spent. With the step retries
// tuned down (LABFORGE_STEP_MAX_ATTEMPTS, LABFORGE_STEP_RETRY_INTERVAL)
// that takes well under a second; TestE2ENodeDownAwaitsOperatorThenRetries
// covers it.
func TestCloneAwaitsOperatorThenRetries(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{})
	s := l.s
	require.NoError(t, l.sim.SetFaults(cloneRefused))

	vmID, location := l.createVM(t, "flaky-1", false)
	waiting := awaitState(t, s, l.admin, location, domain.OpAwaitingOperator)
	require.Equal(t, "clone", waiting.Step)
	require.NotEmpty(t, waiting.Error)

	// Only an operator decides; the VM is busy meanwhile.
	require.Equal(t, http.StatusForbidden, s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/retry", l.instructor, nil).Status)
	requireConflict(t, s.Do(t, "DELETE", "/api/v1/vms/"+vmID.String(), l.admin, nil), waiting.ID.String())
	require.Equal(t, http.StatusBadRequest, s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/retry", l.admin,
		map[string]any{"action": "skip"}).Status)
	require.False(t, waiting.Skippable, "a clone is not a VM without its clone step")
	requireConflict(t, s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/skip", l.admin, nil), "cannot be skipped")

	require.NoError(t, l.sim.SetFaults(pvesim.Faults{}))
	r := s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/retry", l.admin, map[string]any{"reason": "storage fixed"})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	done := s.AwaitOperation(t, l.admin, location)
	require.Equal(t, domain.OpCompleted, done.State, done.Error)
	clone := findStep(t, done.Steps, "clone")
	require.Equal(t, domain.StepSucceeded, clone.State)
	require.Equal(t, 2, clone.Attempts, "the operator's retry counts as the step's second attempt")
	for _, step := range done.Steps {
		require.Equal(t, domain.StepSucceeded, step.State, "step %q", step.Name)
	}

	var vm domain.VM
	s.Do(t, "GET", "/api/v1/vms/"+vmID.String(), l.pat, nil).JSON(t, &vm)
	require.Equal(t, domain.GuestReady, vm.State)
	require.NotNil(t, vm.VMID)
	require.Equal(t, domain.PowerStopped, vm.Power)
}

// TestCloneSkipsAFailedSnapshot makes Proxmox refuse the baseline
// snapshot for good: the clone waits for its operator on a step it may
// skip, and goes on to a ready VM when the operator skips it.
func TestCloneSkipsAFailedSnapshot(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{})
	s := l.s
	require.NoError(t, l.sim.SetFaults(pvesim.Faults{
		EndpointErrorRates: map[string]float64{"POST /nodes/{node}/qemu/{vmid}/snapshot": 1},
		ErrorText:          "snapshot feature is not available",
	}))
	vmID, location := l.createVM(t, "no-snap-1", false)
	waiting := awaitState(t, s, l.admin, location, domain.OpAwaitingOperator)
	require.Equal(t, "baseline snapshot", waiting.Step)
	require.True(t, waiting.Skippable, waiting.Error)

	r := s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/skip", l.admin, map[string]any{"reason": "no snapshots on this storage"})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	done := s.AwaitOperation(t, l.admin, location)
	require.Equal(t, domain.OpCompleted, done.State, done.Error)
	require.False(t, done.Skippable)
	snapshot := findStep(t, done.Steps, "baseline snapshot")
	require.Equal(t, domain.StepSkipped, snapshot.State)
	require.Contains(t, snapshot.Error, "snapshot feature is not available")
	require.Equal(t, domain.StepSucceeded, findStep(t, done.Steps, "record").State, "the clone went on after the skip")

	var vm domain.VM
	s.Do(t, "GET", "/api/v1/vms/"+vmID.String(), l.admin, nil).JSON(t, &vm)
	require.Equal(t, domain.GuestReady, vm.State)
}

// findStep is the step of an operation named name.
func findStep(t *testing.T, steps []domain.OperationStep, name string) domain.OperationStep {
	t.Helper()
	for _, s := range steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no step %q in %+v", name, steps)
	return domain.OperationStep{}
}

func TestCloneAbortCompensates(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{})
	s := l.s
	require.NoError(t, l.sim.SetFaults(cloneRefused))
	vmID, location := l.createVM(t, "doomed-1", false)
	waiting := awaitState(t, s, l.admin, location, domain.OpAwaitingOperator)
	require.NoError(t, l.sim.SetFaults(pvesim.Faults{}))

	r := s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/abort", l.admin, nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	done := s.AwaitOperation(t, l.admin, location)
	require.Equal(t, domain.OpAborted, done.State, done.Error)
	var vm domain.VM
	s.Do(t, "GET", "/api/v1/vms/"+vmID.String(), l.admin, nil).JSON(t, &vm)
	require.Equal(t, domain.GuestFailed, vm.State)
}
