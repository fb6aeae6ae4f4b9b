// Package temporalx is Labforge's client-side glue to Temporal: dialing with
// Labforge's logging and metrics, readiness checks, and the custom search
// attributes that make every operation findable in the Web UI. It never
// imports the Temporal server, so cmd/api and cmd/worker stay small.
package temporalx

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Names of Labforge's custom search attributes. All are of type Keyword.
const (
	SearchAttrState   = "LabforgeState"
	SearchAttrEventID = "LabforgeEventId"
	SearchAttrVMID    = "LabforgeVmId"
	SearchAttrOwner   = "LabforgeOwner"
	SearchAttrNode    = "LabforgeNode"
	SearchAttrSite    = "LabforgeSite"
	// SearchAttrContainerID is the container a container workflow works on.
	SearchAttrContainerID = "LabforgeContainerId"
)

// Typed keys for workflow.UpsertTypedSearchAttributes and
// client.StartWorkflowOptions.TypedSearchAttributes. Only the attributes
// some workflow sets have one.
var (
	KeyState       = temporal.NewSearchAttributeKeyKeyword(SearchAttrState)
	KeyEventID     = temporal.NewSearchAttributeKeyKeyword(SearchAttrEventID)
	KeyVMID        = temporal.NewSearchAttributeKeyKeyword(SearchAttrVMID)
	KeyOwner       = temporal.NewSearchAttributeKeyKeyword(SearchAttrOwner)
	KeyNode        = temporal.NewSearchAttributeKeyKeyword(SearchAttrNode)
	KeySite        = temporal.NewSearchAttributeKeyKeyword(SearchAttrSite)
	KeyContainerID = temporal.NewSearchAttributeKeyKeyword(SearchAttrContainerID)
)

// SearchAttributes returns every Labforge search attribute with its type, a
// fresh map the caller may modify.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchAttrState:       enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrEventID:     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrVMID:        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrOwner:       enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrNode:        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrSite:        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttrContainerID: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	}
}

// ensureTimeout bounds EnsureSearchAttributes when ctx has a later deadline
// or none: the server's namespace cache refreshes every few seconds.
const ensureTimeout = 60 * time.Second

// ensurePoll is the pause between two looks at the server's attributes.
const ensurePoll = 250 * time.Millisecond

// EnsureSearchAttributes registers Labforge's search attributes in namespace,
// adding only those that are missing, and returns once ListSearchAttributes
// shows all of them. It is idempotent and safe when several processes run it
// at once. It fails if an attribute exists with another type, or if they are
// not all visible within ctx's deadline or one minute, whichever is sooner.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ctx, cancel := context.WithTimeout(ctx, ensureTimeout)
	defer cancel()
	want := SearchAttributes()
	added := false
	var lastErr error
	for {
		missing, err := missingSearchAttributes(ctx, c, namespace, want)
		if err != nil {
			return err
		}
		if len(missing) == 0 {
			return nil
		}
		if !added {
			lastErr = addSearchAttributes(ctx, c, namespace, missing)
			var unavailable *serviceerror.Unavailable
			switch {
			case lastErr == nil:
				added = true
			case errors.As(lastErr, &unavailable):
				// The SQL visibility store answers Unavailable when another
				// process changed the namespace's attributes at the same
				// moment: look again and add what is still missing.
			default:
				return lastErr
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("Temporal search attributes %s are still missing in namespace %q: %w",
				strings.Join(slices.Sorted(maps.Keys(missing)), ", "), namespace, errors.Join(ctx.Err(), lastErr))
		case <-time.After(ensurePoll):
		}
	}
}

// missingSearchAttributes lists the attributes of want that namespace lacks.
func missingSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) (map[string]enumspb.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list Temporal search attributes of namespace %q: %w", namespace, err)
	}
	have := resp.GetCustomAttributes()
	missing := make(map[string]enumspb.IndexedValueType)
	for name, typ := range want {
		got, ok := have[name]
		if !ok {
			missing[name] = typ
			continue
		}
		if got != typ {
			return nil, fmt.Errorf("Temporal search attribute %s in namespace %q has type %s, Labforge needs %s; remove it and start again",
				name, namespace, got, typ)
		}
	}
	return missing, nil
}

// addSearchAttributes asks the server to add attrs. An attribute that another
// process added first is not an error.
func addSearchAttributes(ctx context.Context, c client.Client, namespace string, attrs map[string]enumspb.IndexedValueType) error {
	_, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: attrs,
	})
	var exists *serviceerror.AlreadyExists
	if err == nil || errors.As(err, &exists) {
		return nil
	}
	return fmt.Errorf("add Temporal search attributes to namespace %q: %w", namespace, err)
}
