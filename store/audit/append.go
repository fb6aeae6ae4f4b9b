package audit

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/labforge/labforge/domain"
)

// Server error codes that refuse a document for what it holds: sending it
// again cannot succeed. Any other failure may pass (a failover, a timeout).
var refusedCodes = map[int]bool{
	2:     true, // BadValue
	10334: true, // BSONObjectTooLarge
	17419: true, // document too large
	52:    true, // DollarPrefixedFieldName
	56:    true, // EmptyFieldName
	57:    true, // DottedFieldName
	121:   true, // DocumentValidationFailure
}

// codeDuplicateKey is the server's answer to an _id already stored.
const codeDuplicateKey = 11000

// AppendAudit appends recs, which carry their ids and times (the audit
// outbox's), in one unordered insert: a record whose id is already stored
// is skipped, so appending the same records again stores each once. It
// returns the ids of the records the server refused for their content,
// each with the server's reason; those were not stored, every other record
// was. When the server cannot be reached, or fails otherwise, the error
// says so (domain.KindUnavailable when unreachable) and the call may be
// repeated with the same records.
func (s *Store) AppendAudit(ctx context.Context, recs []domain.AuditRecord) (map[string]string, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	docs := make([]any, len(recs))
	for i := range recs {
		docs[i] = newAuditDoc(&recs[i])
	}
	_, err := s.audit.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, s.classify(err, "appending to "+AuditCollection)
	}
	refused := map[string]string{}
	for _, we := range bwe.WriteErrors {
		switch {
		case we.Code == codeDuplicateKey:
		case refusedCodes[we.Code] && we.Index >= 0 && we.Index < len(recs):
			refused[recs[we.Index].ID] = we.Message
		default:
			return nil, s.classify(err, "appending to "+AuditCollection)
		}
	}
	return refused, nil
}
