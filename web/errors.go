package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// problem is one thing wrong with a request: an answer, named by its
// question, or another field of the request; in a roster import, a field
// of one row (row 1 is the header).
type problem struct {
	Row      int    `json:"row,omitempty"`
	Question string `json:"question,omitempty"`
	Field    string `json:"field,omitempty"`
	Problem  string `json:"problem"`
}

// fieldProblem names a request field and what is wrong with it.
func fieldProblem(field, msg string) problem { return problem{Field: field, Problem: msg} }

// answerProblems are the answers' problems, each named by its question, in
// the request's language.
func (s *site) answerProblems(c *gin.Context, ps []assessment.Problem) []problem {
	out := make([]problem, len(ps))
	for i, p := range ps {
		if p.Question == "" {
			// An answer keyed "" names no question: the problem is the
			// answers object's, and a problem always names something.
			out[i] = fieldProblem("answers", s.T(c, "answer.empty-question"))
			continue
		}
		out[i] = problem{Question: p.Question, Problem: s.answerProblem(c, p)}
	}
	return out
}

// apiError is the one JSON error body of the API.
type apiError struct {
	Error    string    `json:"error"`
	Problems []problem `json:"problems,omitempty"`
}

// apiFail ends an API request with the one error body, which no cache
// keeps (also outside the /api/v1 routes, e.g. an unknown path under it).
func apiFail(c *gin.Context, status int, msg string, problems ...problem) {
	c.Writer.Header()["Cache-Control"] = noStoreValue
	c.AbortWithStatusJSON(status, apiError{Error: msg, Problems: problems})
}

// The catalog's "error.unavailable" says why nothing could be saved when
// the database cannot be written (disk full, read-only or removed file).

// apiStoreError ends an API request whose store call failed: missing rows
// are 404, conflicts 409, a database that cannot be written 503, anything
// else a logged 500 with no detail.
func (s *site) apiStoreError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, db.ErrNotFound):
		apiFail(c, http.StatusNotFound, s.T(c, "api.not_found"))
	case errors.Is(err, db.ErrConflict):
		apiFail(c, http.StatusConflict, s.T(c, "api.conflict"))
	case errors.Is(err, db.ErrUnavailable):
		s.log.Error("store unavailable", "err", err, "route", c.FullPath())
		apiFail(c, http.StatusServiceUnavailable, s.T(c, "error.unavailable"))
	default:
		s.log.Error("store", "err", err, "route", c.FullPath())
		apiFail(c, http.StatusInternalServerError, s.T(c, "api.internal"))
	}
}

// pageStoreError ends a page request whose store call failed: a missing
// row is the 404 page saying notFound, a database that cannot be written a
// 503 page saying so, anything else a logged 500. With notFound "" a
// missing row was not expected, so it is a 500 too.
func (s *site) pageStoreError(c *gin.Context, err error, notFound string) {
	switch {
	case notFound != "" && errors.Is(err, db.ErrNotFound):
		s.renderError(c, http.StatusNotFound, notFound)
	case errors.Is(err, db.ErrUnavailable):
		s.log.Error("store unavailable", "err", err, "route", c.FullPath())
		s.renderError(c, http.StatusServiceUnavailable, s.T(c, "error.unavailable"))
	default:
		s.log.Error("store", "err", err, "route", c.FullPath())
		s.renderError(c, http.StatusInternalServerError, s.T(c, "error.internal"))
	}
	c.Abort()
}

// isTooLarge reports whether reading the body hit the size limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }

func isConflict(err error) bool { return errors.Is(err, db.ErrConflict) }
