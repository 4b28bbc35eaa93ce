package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// apiError is the one JSON error body of the API.
type apiError struct {
	Error    string               `json:"error"`
	Problems []assessment.Problem `json:"problems,omitempty"`
}

// fieldProblem names a request field and what is wrong with it.
type fieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

type fieldErrors struct {
	Error    string         `json:"error"`
	Problems []fieldProblem `json:"problems"`
}

func abortJSON(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, apiError{Error: msg})
}

func abortFields(c *gin.Context, status int, msg string, problems ...fieldProblem) {
	c.AbortWithStatusJSON(status, fieldErrors{Error: msg, Problems: problems})
}

// abortStoreError maps a store error to its status: missing rows are 404,
// conflicts 409, anything else a logged 500 with no detail.
func (s *server) abortStoreError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, db.ErrNotFound):
		abortJSON(c, http.StatusNotFound, "not found")
	case errors.Is(err, db.ErrConflict):
		abortJSON(c, http.StatusConflict, "conflict")
	default:
		s.log.Error("store", "err", err, "path", c.FullPath())
		abortJSON(c, http.StatusInternalServerError, "internal error")
	}
}

// isTooLarge reports whether reading the body hit the size limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }
