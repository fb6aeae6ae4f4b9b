package audit_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit"
	"github.com/labforge/labforge/store/audit/audittest"
)

func TestOpenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	ctx, cancel := context.WithTimeout(testContext(t), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err = audit.Open(ctx, "mongodb://labforge:s3cret@"+addr+"/?authSource=admin", "labforge", audittest.Retention)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, domain.KindUnavailable, domain.KindOf(err))
	assert.True(t, strings.HasPrefix(err.Error(), "MongoDB is unreachable at mongodb://labforge:xxxxx@"+addr+"/?authSource=admin: "), err.Error())
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestOpenRejectsBadRetention(t *testing.T) {
	_, err := audit.Open(testContext(t), audittest.URI(t), "labforge", audit.Retention{Audit: time.Hour})
	require.Error(t, err)
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	assert.ErrorContains(t, err, "activity_retention: must be at least 1s")
}

func TestPingAndClose(t *testing.T) {
	ctx := testContext(t)
	s, err := audit.Open(ctx, audittest.URI(t), audittest.Database(t), audittest.Retention)
	require.NoError(t, err)
	require.NoError(t, s.Ping(ctx))
	require.NoError(t, s.Close(ctx))

	err = s.Ping(ctx)
	assert.Equal(t, domain.KindUnavailable, domain.KindOf(err), "%v", err)
}
