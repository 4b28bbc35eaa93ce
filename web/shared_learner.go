package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// learnerFinder finds a learner on the current counselor's caseload: every
// counselor handler group starts there.
type learnerFinder interface {
	CaseloadLearner(ctx context.Context, counselorID, learnerID int64, now time.Time) (db.CaseloadEntry, error)
}

// sharedLearner loads the learner named by :id if they share with the
// current counselor; otherwise it answers 404 (or the store's error) and
// returns false.
func (s *site) sharedLearner(c *gin.Context, store learnerFinder) (db.CaseloadEntry, bool) {
	id, ok := parseID(c.Param("id"))
	var (
		e   db.CaseloadEntry
		err = db.ErrNotFound
	)
	if ok {
		e, err = store.CaseloadLearner(c.Request.Context(), currentUser(c).ID, id, s.now())
	}
	if err != nil {
		s.learnerError(c, err)
		return db.CaseloadEntry{}, false
	}
	return e, true
}

// learnerError answers a failed store call about one learner: a learner
// no longer on the caseload is the one 404, on the page or in the API.
func (s *site) learnerError(c *gin.Context, err error) {
	switch {
	case !isAPI(c):
		s.pageStoreError(c, err, s.T(c, notFoundLearner))
	case isNotFound(err):
		apiFail(c, http.StatusNotFound, s.T(c, notFoundLearner))
	default:
		s.apiStoreError(c, err)
	}
}
