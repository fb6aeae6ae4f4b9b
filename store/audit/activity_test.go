package audit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit/audittest"
)

func TestActivity(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	alice, bob := uuid.New(), uuid.New()
	base := time.Date(2026, 2, 1, 8, 0, 0, 123456789, time.UTC)

	var want []domain.ActivityEntry
	for i := range 7 {
		e := domain.ActivityEntry{Time: base.Add(time.Duration(i) * time.Second), UserID: alice, Message: fmt.Sprintf("your VM web-%d is ready", i), ObjectType: "vm", ObjectID: fmt.Sprint(i)}
		require.NoError(t, s.AddActivity(ctx, &e))
		want = append([]domain.ActivityEntry{e}, want...)
	}
	require.NoError(t, s.AddActivity(ctx, &domain.ActivityEntry{UserID: bob, Message: "hello bob"}))

	var got []domain.ActivityEntry
	page := domain.Page{Limit: 3}
	for pages := 1; ; pages++ {
		entries, next, err := s.ListActivity(ctx, alice, page)
		require.NoError(t, err)
		got = append(got, entries...)
		if next == "" {
			assert.Equal(t, 3, pages)
			break
		}
		page.Cursor = next
	}
	assert.Equal(t, want, got)

	bobs, next, err := s.ListActivity(ctx, bob, domain.Page{})
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, bobs, 1)
	assert.Equal(t, "hello bob", bobs[0].Message)
	assert.Empty(t, bobs[0].ObjectType)

	_, _, err = s.ListActivity(ctx, alice, domain.Page{Cursor: "garbage"})
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
}
