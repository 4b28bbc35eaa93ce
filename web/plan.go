package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/plan"
)

// planStore is what a learner's own plan uses, on the pages and in the API.
type planStore interface {
	PlanItems(ctx context.Context, userID int64) ([]db.PlanItem, error)
	AddPlanItem(ctx context.Context, userID int64, n db.NewPlanItem) (db.PlanItem, error)
	UpdatePlanItem(ctx context.Context, userID, id int64, ch db.PlanChange) (db.PlanItem, error)
	DeletePlanItem(ctx context.Context, userID, id int64) error
	Recommendation(ctx context.Context, learnerID, id int64) (db.Recommendation, error)
}

// planHandlers serve a learner's plan: /api/v1/plan and the forms that add
// a step from a result and change or remove it on /progress. Only the
// learner changes their plan; a counselor reads it on the learner's page.
type planHandlers struct {
	*site
	store planStore
	// progress re-renders /progress when a plan form there is refused.
	progress *resultPages
}

// planItemJSON is a plan item as the API shows it (DESIGN §5.4).
type planItemJSON struct {
	ID        int64   `json:"id"`
	Step      string  `json:"step"`
	Title     string  `json:"title"`
	Status    string  `json:"status"`
	Evidence  string  `json:"evidence"`
	DoneAt    *string `json:"done_at"`
	CreatedAt string  `json:"created_at"`
}

func toPlanItemJSON(it db.PlanItem) planItemJSON {
	out := planItemJSON{ID: it.ID, Step: it.Step, Title: it.Title, Status: it.Status, Evidence: it.Evidence,
		CreatedAt: it.CreatedAt.UTC().Format(time.RFC3339)}
	if !it.DoneAt.IsZero() {
		done := it.DoneAt.UTC().Format(time.RFC3339)
		out.DoneAt = &done
	}
	return out
}

func planJSON(items []db.PlanItem) gin.H {
	out := make([]planItemJSON, len(items))
	for i, it := range items {
		out[i] = toPlanItemJSON(it)
	}
	return gin.H{"items": out}
}

// unknownStep says what a step must be, quoting (a short piece of) what
// was sent.
func unknownStep(step string) string {
	if len([]rune(step)) > 40 {
		step = string([]rune(step)[:40]) + "…"
	}
	return fmt.Sprintf("%q is not a next step of the catalog (such as \"security-training\") or one of your recommendations (\"rec-\" and its id, such as \"rec-12\")", step)
}

// resolveStep is what a plan keeps of the step named: a catalog step, or
// ("rec-12") one of the learner's recommendations, with its title and the
// questions it addresses (a recommended catalog step's; none for a
// counselor's own suggestion), copied now so the plan reads the same after
// the catalog or the recommendation changes. A step it does not know is a
// problem for the field; err is a store failure.
func (h *planHandlers) resolveStep(ctx context.Context, learnerID int64, step string) (n db.NewPlanItem, problem string, err error) {
	step = strings.TrimSpace(step)
	if step == "" {
		return n, "is required: a catalog step id such as \"security-training\", or a recommendation's, such as \"rec-12\"", nil
	}
	if id, ok := plan.RecommendationID(step); ok {
		rec, err := h.store.Recommendation(ctx, learnerID, id)
		if isNotFound(err) {
			return n, unknownStep(step), nil
		}
		if err != nil {
			return n, "", err
		}
		n = db.NewPlanItem{Step: step, Title: rec.Title}
		if st, ok := h.catalogStep(rec.Step); ok {
			n.Addresses = st.Addresses
		}
		return n, "", nil
	}
	if st, ok := h.catalogStep(step); ok {
		return db.NewPlanItem{Step: st.ID, Title: st.Title, Addresses: st.Addresses}, "", nil
	}
	return n, unknownStep(step), nil
}

// catalogStep is the step of the pages' profile with that id.
func (s *site) catalogStep(id string) (assessment.Step, bool) {
	for _, st := range s.profile.Steps {
		if id != "" && st.ID == id {
			return st, true
		}
	}
	return assessment.Step{}, false
}

// checkPlanChange validates a change to an item: a status, an evidence
// note, or both; every problem is returned.
func checkPlanChange(status, evidence *string) (db.PlanChange, []problem) {
	var (
		ch       db.PlanChange
		problems []problem
	)
	if status == nil && evidence == nil {
		return ch, []problem{fieldProblem("status", `is required (or "evidence"): `+plan.StatusProblem)}
	}
	if status != nil {
		if !plan.ValidStatus(*status) {
			problems = append(problems, fieldProblem("status", plan.StatusProblem))
		}
		ch.Status = status
	}
	if evidence != nil {
		text, p := plan.CheckEvidence(*evidence)
		if p != "" {
			problems = append(problems, fieldProblem("evidence", p))
		}
		ch.Evidence = &text
	}
	return ch, problems
}

func (h *planHandlers) apiPlan(c *gin.Context) {
	items, err := h.store.PlanItems(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, planJSON(items))
}

func (h *planHandlers) apiAddItem(c *gin.Context) {
	var body struct {
		Step *string `json:"step"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	step := ""
	if body.Step != nil {
		step = *body.Step
	}
	n, p, err := h.resolveStep(c.Request.Context(), currentUser(c).ID, step)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	if p != "" {
		apiFail(c, http.StatusUnprocessableEntity, "invalid plan item", fieldProblem("step", p))
		return
	}
	it, err := h.store.AddPlanItem(c.Request.Context(), currentUser(c).ID, n)
	if isConflict(err) {
		apiFail(c, http.StatusConflict, "already in the plan", fieldProblem("step", "is already in your plan: change that item instead"))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toPlanItemJSON(it))
}

func (h *planHandlers) apiUpdateItem(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, "not found")
		return
	}
	var body struct {
		Status   *string `json:"status"`
		Evidence *string `json:"evidence"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	ch, problems := checkPlanChange(body.Status, body.Evidence)
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, "invalid plan item", problems...)
		return
	}
	it, err := h.store.UpdatePlanItem(c.Request.Context(), currentUser(c).ID, id, ch)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, toPlanItemJSON(it))
}

func (h *planHandlers) apiDeleteItem(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, "not found")
		return
	}
	if err := h.store.DeletePlanItem(c.Request.Context(), currentUser(c).ID, id); err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// planReturn matches the pages a plan form may come back to: a result of
// the learner's, or their progress page.
var planReturn = regexp.MustCompile(`^/(results/[1-9][0-9]{0,18}|progress)$`)

// planBack is where a plan form returns: the page it names if it is one
// of planReturn's, else /progress; anchor is added.
func planBack(from, anchor string) string {
	if !planReturn.MatchString(from) {
		from = "/progress"
	}
	return from + anchor
}

// addSubmit adds a step from the "Add to my plan" button beside it and
// goes back to the page the button was on.
func (h *planHandlers) addSubmit(c *gin.Context) {
	n, p, err := h.resolveStep(c.Request.Context(), currentUser(c).ID, c.PostForm("step"))
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if p != "" {
		h.renderError(c, http.StatusUnprocessableEntity, "That step could not be added to your plan: the step "+p+".")
		return
	}
	back := planBack(c.PostForm("from"), "#step-"+n.Step)
	_, err = h.store.AddPlanItem(c.Request.Context(), currentUser(c).ID, n)
	switch {
	case isConflict(err):
		h.redirect(c, back, "plan-already")
	case err != nil:
		h.pageStoreError(c, err, "")
	default:
		h.redirect(c, back, "plan-added")
	}
}

// updateSubmit saves an item's status and evidence from its form on
// /progress, or shows the page again with the problem beside the field.
func (h *planHandlers) updateSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, notFoundPlanItem)
		return
	}
	status, evidence := c.PostForm("status"), c.PostForm("evidence")
	ch, problems := checkPlanChange(&status, &evidence)
	if len(problems) > 0 {
		f := &planFormState{ID: id, Status: status, Evidence: evidence, Errors: problems}
		h.progress.renderProgress(c, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.store.UpdatePlanItem(c.Request.Context(), currentUser(c).ID, id, ch); err != nil {
		h.pageStoreError(c, err, notFoundPlanItem)
		return
	}
	h.redirect(c, planItemAnchor(id), "plan-saved")
}

func (h *planHandlers) deleteSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, notFoundPlanItem)
		return
	}
	if err := h.store.DeletePlanItem(c.Request.Context(), currentUser(c).ID, id); err != nil {
		h.pageStoreError(c, err, notFoundPlanItem)
		return
	}
	h.redirect(c, "/progress#plan", "plan-removed")
}

const notFoundPlanItem = "There is no such step in your plan. It may have been removed already."

func planItemAnchor(id int64) string { return fmt.Sprintf("/progress#plan-item-%d", id) }

// planFormState is a refused plan form, shown again as it was sent.
type planFormState struct {
	ID       int64
	Status   string
	Evidence string
	Errors   []problem
}
