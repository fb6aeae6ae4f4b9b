package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// ErrorBody is the envelope of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code (the domain error kind), a
// sentence for people, the offending fields and the request id to quote
// when asking an operator.
type ErrorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// statusOf is the one mapping from domain error kinds to HTTP status.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindUnprocessable:
		return http.StatusUnprocessableEntity
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	case domain.KindTooManyRequests:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// abortWithError writes err as an error envelope and stops the handler
// chain. Internal errors are logged with the request id and shown to the
// caller only as "internal error".
func abortWithError(c *gin.Context, err error) {
	kind := domain.KindOf(err)
	detail := ErrorDetail{Code: string(kind), RequestID: requestID(c)}
	var de *domain.Error
	switch {
	case kind == domain.KindInternal:
		detail.Message = "internal error"
		loggerFrom(c).Error("request failed", slog.Any("error", err))
	case errors.As(err, &de):
		detail.Message, detail.Fields = de.Message, de.Fields
		if kind == domain.KindUnavailable {
			loggerFrom(c).Warn("dependency unavailable", slog.Any("error", err))
		}
	}
	c.AbortWithStatusJSON(statusOf(kind), ErrorBody{Error: detail})
}
