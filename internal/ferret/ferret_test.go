package ferret_test

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/labforge/labforge/internal/ferret"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T, ctx context.Context, opts ferret.Options) *ferret.Server {
	t.Helper()
	s, err := ferret.Start(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(s.Stop)
	return s
}

func connect(t *testing.T, ctx context.Context, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func TestRestartKeepsData(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))

	s := start(t, ctx, ferret.Options{Dir: dir, Logger: logger})
	assert.Regexp(t, `^mongodb://127\.0\.0\.1:\d+/$`, s.URI())
	c := connect(t, ctx, s.URI())
	_, err := c.Database("labforge").Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 42}})
	require.NoError(t, err)
	require.NoError(t, c.Disconnect(ctx))
	s.Stop()
	s.Stop()

	s2 := start(t, ctx, ferret.Options{Dir: dir, Logger: logger})
	c2 := connect(t, ctx, s2.URI())
	var got struct {
		N int `bson:"n"`
	}
	require.NoError(t, c2.Database("labforge").Collection("things").FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got))
	assert.Equal(t, 42, got.N)
}

func TestPortInUse(t *testing.T) {
	ctx := testContext(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })

	_, err = ferret.Start(ctx, ferret.Options{Dir: t.TempDir(), Addr: l.Addr().String()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already in use")
}

func TestFixedPort(t *testing.T) {
	ctx := testContext(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	s := start(t, ctx, ferret.Options{Dir: t.TempDir(), Addr: addr})
	assert.Equal(t, "mongodb://"+addr+"/", s.URI())
}

func TestRejectsNonLoopback(t *testing.T) {
	ctx := testContext(t)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:27017", "nonsense"} {
		_, err := ferret.Start(ctx, ferret.Options{Dir: t.TempDir(), Addr: addr})
		assert.Error(t, err, addr)
	}
}

func TestRequiresDir(t *testing.T) {
	_, err := ferret.Start(testContext(t), ferret.Options{})
	assert.ErrorContains(t, err, "Dir")
}
