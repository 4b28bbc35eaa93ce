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
	if len(list) >= 2 {
		v.Form.A, v.Form.B = list[1].ID, list[0].ID
	}
	ida, okA := h.compareParam(c, "a", h.T(c, "compare.first_lower"), &v.Form)
	idb, okB := h.compareParam(c, "b", h.T(c, "compare.second_lower"), &v.Form)
	if okA {
		v.Form.A = ida
	}
	if okB {
		v.Form.B = idb
	}
	if !okA || !okB {
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
	if err == nil {
		err = h.fillCompare(c, &v, a, b)
	}
	var items []db.PlanItem
	if err == nil {
		items, err = h.store.PlanItems(ctx, e.LearnerID)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, "counselor_compare.not_found"))
		return
	}
	load := resultLoader(byID([]db.Assessment{a, b}))
	ra, err := load(a.ID)
	var rb attemptResult
	if err == nil {
		rb, err = load(b.ID)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v.Done = h.doneBetween(c, items, ra, rb)
	h.render(c, http.StatusOK, "compare", title, v)
}
