package audit

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// document is a free-form map stored as a BSON document (AuditRecord.Before
// and After, SystemEvent.Details). Written values should be JSON-shaped:
// strings, bools, numbers, nil, time.Time, []any and map[string]any.
//
// Reading one back gives the same shapes: nested documents as
// map[string]any, arrays as []any, 32-bit integers (a Go int that fits) as
// int, 64-bit integers as int64, doubles as float64, datetimes as UTC
// time.Time (to the millisecond) and ObjectIDs as hex strings.
type document map[string]any

// UnmarshalBSON implements bson.Unmarshaler.
func (d *document) UnmarshalBSON(data []byte) error {
	var raw bson.D
	if err := bson.Unmarshal(data, &raw); err != nil {
		return err
	}
	*d = normalizeDoc(raw)
	return nil
}

func normalizeDoc(raw bson.D) map[string]any {
	m := make(map[string]any, len(raw))
	for _, e := range raw {
		m[e.Key] = normalize(e.Value)
	}
	return m
}

func normalize(v any) any {
	switch v := v.(type) {
	case bson.D:
		return normalizeDoc(v)
	case bson.A:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalize(x)
		}
		return out
	case int32:
		return int(v)
	case bson.DateTime:
		return v.Time().UTC()
	case bson.ObjectID:
		return v.Hex()
	default:
		return v
	}
}

// roundTime returns t, or now if t is zero, in UTC truncated to the
// millisecond: what a BSON datetime can hold, so a stored record compares
// equal to the one that was written.
func roundTime(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Millisecond)
}
