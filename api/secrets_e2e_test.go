package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// The secrets of TestE2ESecretsStayOutOfAnswersLogsAuditAndHistories:
// each distinct, so a leak names its source.
const (
	leakNodeToken      = "node-token-3e1f9a7c-never-shown"
	leakConnPassword   = "conn-password-7d2b-never-shown"
	leakGuacPassword   = "guac-password-5c8e-never-shown"
	leakMoodleToken    = "9f4a2b6c8d0e1f3a5b7c9d1e3f5a7b9c"
	leakSecretKeyBytes = "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU2Nzg=" // apptest.SecretKey's key material
)

// TestE2ESecretsStayOutOfAnswersLogsAuditAndHistories runs, on the whole
// stack with Guacamole and Moodle, the operations that use every secret:
// a cluster import (node token, copied to the second node), a VM clone,
// and an event whose connection template carries a password (the worker
// opens it for Guacamole) and whose course is copied in Moodle (token).
// It then reads the four places a secret must never reach: every API
// answer, the platform's debug log, every document in MongoDB (audit,
// activity, system events, timelines) and the history of every workflow;
// PostgreSQL holds no plain secret in any table either.
func TestE2ESecretsStayOutOfAnswersLogsAuditAndHistories(t *testing.T) {
	t.Parallel()
	g := guacsim.New(guacsim.Config{AdminUsername: "labforge", AdminPassword: leakGuacPassword})
	t.Cleanup(g.Close)
	m := moodlesim.New(moodlesim.Config{Token: leakMoodleToken})
	t.Cleanup(m.Close)
	seed := pvesim.DefaultSeed()
	seed.Tokens = []pvesim.SeedToken{{ID: pvesim.DefaultTokenID, Secret: leakNodeToken}}
	l := startVMLab(t, labOptions{sim: pvesim.Config{TimeScale: 0.001, Seed: seed}, tokenSecret: leakNodeToken,
		stack: []apptest.Option{func(c *config.Config) {
			c.GuacamoleURL, c.GuacamoleUsername, c.GuacamolePassword = g.URL(), "labforge", leakGuacPassword
			c.MoodleURL, c.MoodleToken = m.URL(), leakMoodleToken
			c.LogLevel = "debug"
		}}})
	s := l.s

	// The node paths: a second import updates both nodes, a change
	// without a secret keeps it, and the VM clone opens it.
	l.importCluster(t, l.sim, "lab", 0)
	var nodes struct {
		Items []domain.Node `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/nodes", l.admin, nil).JSON(t, &nodes)
	require.Len(t, nodes.Items, 2)
	for _, n := range nodes.Items {
		r := s.Do(t, "PATCH", "/api/v1/nodes/"+n.ID.String(), l.admin, map[string]any{"bridge": "vmbr0"})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/nodes/"+n.ID.String(), l.admin, nil).Status)
	}
	_, location := l.createVM(t, "leak-check", true)
	op := s.AwaitOperation(t, l.admin, location)
	require.Equal(t, domain.OpCompleted, op.State, op.Error)

	// An event with a connection password and a Moodle course.
	r := s.Do(t, "POST", "/api/v1/environments", l.instructor, map[string]any{"name": "Secret lab", "moodle_template_course": 2,
		"machines": []map[string]any{{"template_id": l.template.ID, "name": "web", "count": 1, "clone_mode": "linked",
			"connections": []map[string]any{{"protocol": "ssh", "username": "student", "password": leakConnPassword}}}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)
	path := l.eventSoon(t, env.ID, "Secrets", "leak")
	r = s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"user_id": l.patID})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Eventually(t, func() bool {
		var e eventFields
		s.Do(t, "GET", path, l.instructor, nil).JSON(t, &e)
		return e.State == domain.EventRunning
	}, 90*time.Second, 200*time.Millisecond, "the event deploys and runs")
	require.Eventually(t, func() bool { return len(g.Connections()) == 1 }, time.Minute, 200*time.Millisecond)
	require.Equal(t, leakConnPassword, g.Connections()[0].Parameters["password"], "the worker opened the sealed password for Guacamole")
	require.Eventually(t, func() bool {
		for _, c := range m.Courses() {
			if c.DuplicatedFrom == 2 {
				return true
			}
		}
		return false
	}, time.Minute, 200*time.Millisecond, "the template course is copied with the token")

	// Reads of everything that holds or used a secret, and a rotation.
	for _, p := range []string{"/api/v1/environments", "/api/v1/environments/" + env.ID.String(), path, path + "/overview",
		"/api/v1/operations", "/api/v1/templates", "/api/v1/vms", "/api/v1/system/events"} {
		require.Equal(t, http.StatusOK, s.Do(t, "GET", p, l.admin, nil).Status, p)
	}
	r = s.Do(t, "POST", "/api/v1/system/secrets/rotate", l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var rotation domain.SecretRotation
	r.JSON(t, &rotation)
	require.Equal(t, []domain.SecretCounts{{Table: "nodes", Current: 2}, {Table: "environment_connections", Current: 1},
		{Table: "events.environment_snapshot", Current: 1}}, rotation.Tables)

	leaks := []string{leakNodeToken, leakConnPassword, leakGuacPassword, leakMoodleToken, leakSecretKeyBytes}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	answers := s.Answers()
	require.Greater(t, len(answers), 20)
	for _, a := range answers {
		requireNoLeak(t, a.Body, leaks, "the answer to %s %s (%d)", a.Method, a.Path, a.Status)
	}

	logs := s.Logs()
	require.Contains(t, logs, "level=DEBUG", "the platform logged at debug level")
	requireNoLeak(t, []byte(logs), leaks, "the platform's log")

	docs := requireMongoWithout(ctx, t, s, leaks)
	require.Contains(t, docs, "node.create", "the audit records were read")
	require.Contains(t, docs, "environment.create")

	types := requireHistoriesWithout(ctx, t, s, leaks)
	for _, want := range []string{"ImportNodes", "CloneVM", "EventLifecycle"} {
		require.Contains(t, types, want, "the histories read include %s", want)
	}

	requirePostgresWithout(ctx, t, s, leaks)
}

// requireNoLeak fails t if any of leaks is in b, naming what b is.
func requireNoLeak(t *testing.T, b []byte, leaks []string, what string, args ...any) {
	t.Helper()
	for _, leak := range leaks {
		if bytes.Contains(b, []byte(leak)) {
			t.Fatalf("%q is in "+what, append([]any{leak}, args...)...)
		}
	}
}

// requireMongoWithout reads every document of every collection of the
// stack's MongoDB database as raw BSON (strings are plain in it) and
// fails t on a leak. It returns the collections' documents' action and
// kind fields, joined, for the caller to check what was read.
func requireMongoWithout(ctx context.Context, t *testing.T, s *apptest.Stack, leaks []string) string {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(s.Platform.Config.MongoURI))
	require.NoError(t, err)
	defer func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }()
	db := client.Database(s.Platform.Config.MongoDatabase)
	names, err := db.ListCollectionNames(ctx, bson.D{})
	require.NoError(t, err)
	var seen []string
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		require.NoError(t, err)
		for cur.Next(ctx) {
			requireNoLeak(t, cur.Current, leaks, "MongoDB collection %s: %s", name, cur.Current.String())
			for _, field := range []string{"action", "kind"} {
				if v, err := cur.Current.LookupErr(field); err == nil {
					seen = append(seen, v.StringValue())
				}
			}
		}
		require.NoError(t, cur.Err())
		require.NoError(t, cur.Close(ctx))
	}
	return strings.Join(seen, " ")
}

// requireHistoriesWithout reads the history of every workflow execution
// of the stack's namespace and fails t on a leak; it returns the workflow
// types it read.
func requireHistoriesWithout(ctx context.Context, t *testing.T, s *apptest.Stack, leaks []string) []string {
	t.Helper()
	req := &workflowservice.ListWorkflowExecutionsRequest{Namespace: s.Platform.Config.TemporalNamespace, PageSize: 100}
	var execs []*commonpb.WorkflowExecution
	var types []string
	for page := 0; page < 50; page++ {
		resp, err := s.Platform.Temporal.ListWorkflow(ctx, req)
		require.NoError(t, err)
		for _, e := range resp.GetExecutions() {
			execs = append(execs, e.GetExecution())
			types = append(types, e.GetType().GetName())
		}
		if len(resp.GetNextPageToken()) == 0 {
			break
		}
		req.NextPageToken = resp.GetNextPageToken()
	}
	for _, e := range execs {
		require.NotZero(t, scanHistory(ctx, t, s, e.GetWorkflowId(), e.GetRunId(), leaks...), e.GetWorkflowId())
	}
	return types
}

// scanHistory fails t if one of leaks appears anywhere in the history of
// the workflow run (the latest run for an empty runID), which operators
// can read in the Web UI, and returns how many events it read. Payloads
// are JSON inside the wire bytes; protojson would base64 them.
func scanHistory(ctx context.Context, t *testing.T, s *apptest.Stack, workflowID, runID string, leaks ...string) int {
	t.Helper()
	it := s.Platform.Temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		raw, err := proto.Marshal(ev)
		require.NoError(t, err)
		requireNoLeak(t, raw, leaks, "event %d of workflow %s", ev.GetEventId(), workflowID)
		events++
	}
	return events
}

// requirePostgresWithout fails t if a plain leak is in any row of any
// table (bytea columns print as hex, so ciphertexts never match) or a node
// row keeps a plain token secret.
func requirePostgresWithout(ctx context.Context, t *testing.T, s *apptest.Stack, leaks []string) {
	t.Helper()
	pool := s.Platform.DB.Pool()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "nodes")
	for _, table := range tables {
		for _, leak := range leaks {
			var n int
			err := pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()+` t WHERE strpos(t::text, $1) > 0`,
				leak).Scan(&n)
			require.NoError(t, err)
			require.Zero(t, n, "%q is in %d rows of table %s", leak, n, table)
		}
	}
	var plain int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM nodes WHERE token_secret <> '' OR token_secret_key_id IS NULL`).Scan(&plain))
	require.Zero(t, plain, "every node's token secret is sealed")
}
