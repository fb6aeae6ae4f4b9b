package activities

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// all reads every page of a store list, MaxPageLimit items at a time.
func all[T any](ctx context.Context, list func(ctx context.Context, page domain.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	page := domain.Page{Limit: domain.MaxPageLimit}
	for {
		items, next, err := list(ctx, page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		page.Cursor = next
	}
}
