package audit

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/labforge/labforge/domain"
)

// classify turns a driver error into a domain error: anything that means
// the server cannot be reached becomes KindUnavailable with a sentence
// naming MongoDB and its (redacted) URI; a cancelled context is returned as
// is; everything else is KindInternal.
func (s *Store) classify(err error, op string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if unreachable(err) {
		return domain.Wrap(err, domain.KindUnavailable, fmt.Sprintf("MongoDB is unreachable at %s", s.uri))
	}
	return domain.Wrap(err, domain.KindInternal, fmt.Sprintf("MongoDB %s failed", op))
}

func unreachable(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse) ||
		errors.Is(err, mongo.ErrClientDisconnected) ||
		mongo.IsNetworkError(err) ||
		mongo.IsTimeout(err)
}

// hasCode reports whether err is a server error carrying one of codes.
func hasCode(err error, codes ...int) bool {
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.HasErrorCode(c) {
			return true
		}
	}
	return false
}
