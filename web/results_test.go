package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// fakeResultStore has no results; claimErr is what ClaimedResult answers
// about a visitor result that is gone.
type fakeResultStore struct{ claimErr error }

func (f *fakeResultStore) Assessment(context.Context, int64, int64) (db.Assessment, error) {
	return db.Assessment{}, db.ErrNotFound
}

func (f *fakeResultStore) VisitorResult(context.Context, string, int64) (db.Assessment, error) {
	return db.Assessment{}, fmt.Errorf("visitor result: %w", db.ErrNotFound)
}

func (f *fakeResultStore) AttemptHistory(context.Context, int64, int) ([]db.Attempt, error) {
	return nil, nil
}

func (f *fakeResultStore) Draft(context.Context, db.DraftOwner) (db.Draft, error) {
	return db.Draft{}, db.ErrNotFound
}

func (f *fakeResultStore) ClaimedResult(context.Context, int64) (int64, int64, error) {
	return 0, 0, f.claimErr
}

func (f *fakeResultStore) PlanItems(context.Context, int64) ([]db.PlanItem, error) {
	return nil, nil
}

// A visitor result that is gone is looked up among saved ones; when that
// lookup fails, the reader is told the database failed, not that the result
// does not exist.
func TestResultPage_ClaimLookupFailureIsNotANotFound(t *testing.T) {
	tests := []struct {
		claimErr error
		want     int
	}{
		{fmt.Errorf("claimed result: %w", db.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("claimed result: %w", db.ErrUnavailable), http.StatusServiceUnavailable},
		{fmt.Errorf("claimed result: connection reset"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.want), func(t *testing.T) {
			s, _ := testSite(t)
			h := &resultPages{site: s, store: &fakeResultStore{claimErr: tt.claimErr}}
			r := testEngine(nil)
			r.Use(func(c *gin.Context) { c.Set(ctxSession, &db.Session{ID: "visitor"}) })
			r.GET("/results/:id", h.resultPage)
			if w := serveTest(t, r, "GET", "/results/v7", "", ""); w.Code != tt.want {
				t.Errorf("claim lookup %v: status %d, want %d; %.200s", tt.claimErr, w.Code, tt.want, w.Body)
			}
		})
	}
}
