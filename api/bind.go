package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

// bindJSON decodes the request body into dst, refusing unknown fields and
// naming the field of any type mismatch.
func bindJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
	if err != nil {
		return domain.Errorf(domain.KindInvalid, "could not read the request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return domain.Errorf(domain.KindInvalid, "the request body is larger than 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		if dec.More() {
			return domain.Errorf(domain.KindInvalid, "the request body holds more than one JSON value")
		}
		return nil
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.KindInvalid, "the request body is empty; send a JSON object")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
			Fields: map[string]string{field: "must be of type " + jsonType(typeErr.Type.Kind().String())}}
	case errors.As(err, &syntaxErr):
		return domain.Errorf(domain.KindInvalid, "the request body is not valid JSON (at byte %d)", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
			Fields: map[string]string{field: "is not a known field"}}
	default:
		return domain.Errorf(domain.KindInvalid, "the request body could not be decoded: %v", err)
	}
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	default:
		return "number"
	}
}

// pathID parses the :id path parameter. A malformed id cannot name an
// existing object, so it is reported as not found.
func pathID(c *gin.Context, objectType string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, domain.NotFoundf("%s %q not found", objectType, c.Param("id"))
	}
	return id, nil
}

// pageParams reads limit and cursor query parameters.
func pageParams(c *gin.Context) (domain.Page, error) {
	p := domain.Page{Cursor: c.Query("cursor")}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > domain.MaxPageLimit {
			return p, &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
				Fields: map[string]string{"limit": fmt.Sprintf("must be a whole number from 1 to %d", domain.MaxPageLimit)}}
		}
		p.Limit = n
	}
	return p.Normalize(), nil
}

// queryID parses the query parameter name as an id, if present.
func queryID(v *domain.Validator, c *gin.Context, name, message string) *uuid.UUID {
	raw := c.Query(name)
	if raw == "" {
		return nil
	}
	id, err := uuid.Parse(raw)
	v.Check(err == nil, name, message)
	return &id
}

// listBody is the shape of every paginated list response.
type listBody[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func newList[T any](items []T, next string) listBody[T] {
	if items == nil {
		items = []T{}
	}
	return listBody[T]{Items: items, NextCursor: next}
}

// nullable is a string field of a PATCH request that tells an absent
// field (Set false: keep the stored value) from null (Set, Value nil:
// clear it).
type nullable struct {
	Set   bool
	Value *string
}

// UnmarshalJSON implements json.Unmarshaler; it runs only when the field
// is present.
func (n *nullable) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}
