package audit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/labforge/labforge/domain"
)

// keyset is the position of the last record of a page in the lists' order:
// time descending, then _id descending.
type keyset struct {
	Time int64  `json:"t"` // Unix milliseconds
	ID   string `json:"id"`
}

func encodeCursor(t time.Time, id string) string {
	b, _ := json.Marshal(keyset{Time: t.UnixMilli(), ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses a cursor returned by a list; anything else is
// domain.KindInvalid on the field "cursor".
func decodeCursor(s string) (keyset, error) {
	var k keyset
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil || k.ID == "" {
		var v domain.Validator
		v.Check(false, "cursor", "is not a cursor returned by this list")
		return keyset{}, v.Err()
	}
	return k, nil
}

// timeRange adds since (inclusive) and until (exclusive) bounds on time to
// filter; zero times are open ends.
func timeRange(filter bson.D, since, until time.Time) bson.D {
	var r bson.D
	if !since.IsZero() {
		r = append(r, bson.E{Key: "$gte", Value: roundTime(since)})
	}
	if !until.IsZero() {
		r = append(r, bson.E{Key: "$lt", Value: roundTime(until)})
	}
	if len(r) == 0 {
		return filter
	}
	return append(filter, bson.E{Key: "time", Value: r})
}

// listPage runs one page of a newest-first list: it applies the cursor,
// fetches one record more than the limit to learn whether there is a next
// page, and converts the documents with conv, which also returns each
// record's time and id for the next cursor.
func listPage[D, T any](ctx context.Context, s *Store, coll *mongo.Collection, filter bson.D, page domain.Page,
	conv func(D) (T, time.Time, string)) ([]T, string, error) {
	return listPageOrdered(ctx, s, coll, filter, page, false, conv)
}

// listPageOrdered is listPage, oldest first when oldestFirst is set.
func listPageOrdered[D, T any](ctx context.Context, s *Store, coll *mongo.Collection, filter bson.D, page domain.Page,
	oldestFirst bool, conv func(D) (T, time.Time, string)) ([]T, string, error) {
	beyond, order := "$lt", -1
	if oldestFirst {
		beyond, order = "$gt", 1
	}
	page = page.Normalize()
	if page.Cursor != "" {
		k, err := decodeCursor(page.Cursor)
		if err != nil {
			return nil, "", err
		}
		t := time.UnixMilli(k.Time).UTC()
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "time", Value: bson.D{{Key: beyond, Value: t}}}},
			bson.D{{Key: "time", Value: t}, {Key: "_id", Value: bson.D{{Key: beyond, Value: k.ID}}}},
		}})
	}
	if filter == nil {
		filter = bson.D{}
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "time", Value: order}, {Key: "_id", Value: order}}).
		SetLimit(int64(page.Limit) + 1)
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return nil, "", s.classify(err, "listing "+coll.Name())
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", s.classify(err, "reading "+coll.Name())
	}

	out := make([]T, 0, min(len(docs), page.Limit))
	var next string
	for i, d := range docs {
		if i == page.Limit {
			break
		}
		rec, t, id := conv(d)
		out = append(out, rec)
		if i == page.Limit-1 && len(docs) > page.Limit {
			next = encodeCursor(t, id)
		}
	}
	return out, next, nil
}
