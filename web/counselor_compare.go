package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// counselorCompareStore is what comparing two of a learner's attempts
// from the counselor's side uses.
type counselorCompareStore interface {
	resultFinder
	AttemptHistory(ctx context.Context, userID int64, limit int) ([]db.Attempt, error)
	PlanItems(ctx context.Context, userID int64) ([]db.PlanItem, error)
	RecordAccess(ctx context.Context, actorID, learnerID int64, what string) error
}

// counselorCompareHandlers serve the learner's compare view to a
// counselor the learner shares with: the same page, from their side.
type counselorCompareHandlers struct {
	*site
	store counselorCompareStore
}

// compareLearner marks a compare view as the counselor's, about this learner.
type compareLearner struct {
	ID   int64
	Name string
}

// comparePage is GET /counselor/learners/{id}/compare?a=&b=.
func (h *counselorCompareHandlers) comparePage(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	list, err := h.store.AttemptHistory(ctx, e.LearnerID, progressLimit)
	if err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	title := h.T(c, "counselor_compare.heading", "Name", e.Name)
	v := compareView{Form: h.newCompareForm(c, list, h.zoneOf(c)), Learner: &compareLearner{ID: e.LearnerID, Name: e.Name}}
	v.Form.Action = learnerPath(e.LearnerID) + "/compare"
	ida, idb, ok := h.chooseAttempts(c, list, &v.Form)
	if !ok {
		h.render(c, http.StatusBadRequest, "compare", title, v)
		return
	}
	// Recorded before anything of the results is read: no record, no results.
	err = h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionComparePage)
	var a, b db.Assessment
	if err == nil {
		a, err = h.store.Assessment(ctx, e.LearnerID, ida)
	}
	if err == nil {
		b, err = h.store.Assessment(ctx, e.LearnerID, idb)
	}
	var ra, rb attemptResult
	if err == nil {
		ra, rb, err = h.fillCompare(c, &v, a, b)
	}
	var items []db.PlanItem
	if err == nil {
		items, err = h.store.PlanItems(ctx, e.LearnerID)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, "counselor_compare.not_found"))
		return
	}
	v.Done = h.doneBetween(c, items, ra, rb)
	h.render(c, http.StatusOK, "compare", title, v)
}
