package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/labforge/labforge/store/audit/audittest"
)

func TestMain(m *testing.M) { audittest.Main(m) }

// testContext returns a context that ends with the test or after a minute.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
