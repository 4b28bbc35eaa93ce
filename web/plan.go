package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// toPlanItemJSON is an item in the request's language: a catalog step's
// title comes from the profile by its id; a counselor's own stays as kept.
func (s *site) toPlanItemJSON(c *gin.Context, it db.PlanItem) planItemJSON {
	out := planItemJSON{ID: it.ID, Step: it.Step, Title: s.planTitle(c, it), Status: it.Status, Evidence: it.Evidence,
		CreatedAt: it.CreatedAt.UTC().Format(time.RFC3339)}
	if !it.DoneAt.IsZero() {
		done := it.DoneAt.UTC().Format(time.RFC3339)
		out.DoneAt = &done
	}
	return out
}

func (s *site) planJSON(c *gin.Context, items []db.PlanItem) gin.H {
	out := make([]planItemJSON, len(items))
	for i, it := range items {
		out[i] = s.toPlanItemJSON(c, it)
	}
	return gin.H{"items": out}
}

// planTitle is an item's title in the request's language: the title kept
// at add time is the source language's, so a catalog step's is looked up
// by its id in the reader's language.
func (s *site) planTitle(c *gin.Context, it db.PlanItem) string {
	p := s.profileIn(c, s.profile)
	if p.Language == assessment.SourceLanguage {
		return it.Title
	}
	if st, ok := p.Step(it.Step); ok {
		return st.Title
	}
	return it.Title
}

// unknownStep says what a step must be, quoting (a short piece of) what
// was sent.
func (s *site) unknownStep(c *gin.Context, step string) string {
	if len([]rune(step)) > 40 {
		step = string([]rune(step)[:40]) + "…"
	}
	return s.T(c, "plan.unknown_step", "Step", strconv.Quote(step))
}

// resolveStep is what a plan keeps of the step named: a catalog step, or
// ("rec-12") one of the learner's recommendations, with its title and the
// questions it addresses (a recommended catalog step's; none for a
// counselor's own suggestion), copied now so the plan reads the same after
// the catalog or the recommendation changes. A step it does not know is a
// problem for the field; err is a store failure.
func (h *planHandlers) resolveStep(c *gin.Context, learnerID int64, step string) (n db.NewPlanItem, problem string, err error) {
	ctx := c.Request.Context()
	step = strings.TrimSpace(step)
	if step == "" {
		return n, h.T(c, "plan.step_required"), nil
	}
	if id, ok := plan.RecommendationID(step); ok {
		rec, err := h.store.Recommendation(ctx, learnerID, id)
		if isNotFound(err) {
			return n, h.unknownStep(c, step), nil
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
	return n, h.unknownStep(c, step), nil
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
func (s *site) checkPlanChange(c *gin.Context, status, evidence *string) (db.PlanChange, []problem) {
	var (
		ch       db.PlanChange
		problems []problem
	)
	if status == nil && evidence == nil {
		return ch, []problem{fieldProblem("status", s.T(c, "plan.status_required"))}
	}
	if status != nil {
		if !plan.ValidStatus(*status) {
			problems = append(problems, fieldProblem("status", s.T(c, "plan.status_invalid")))
		}
		ch.Status = status
	}
	if evidence != nil {
		text, p := plan.CheckEvidence(*evidence)
		if p != "" {
			// plan says it in English; the only problems are the length and
			// characters that are not text.
			if n := utf8.RuneCountInString(text); n > plan.MaxEvidence {
				p = s.T(c, "plan.evidence_long", "Max", plan.MaxEvidence, "Length", n)
			} else {
				p = s.T(c, "plan.evidence_plain")
			}
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
	c.JSON(http.StatusOK, h.planJSON(c, items))
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
	n, p, err := h.resolveStep(c, currentUser(c).ID, step)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	if p != "" {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "plan.invalid_item"), fieldProblem("step", p))
		return
	}
	it, err := h.store.AddPlanItem(c.Request.Context(), currentUser(c).ID, n)
	if isConflict(err) {
		apiFail(c, http.StatusConflict, h.T(c, "plan.already"), fieldProblem("step", h.T(c, "plan.already_problem")))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, h.toPlanItemJSON(c, it))
}

func (h *planHandlers) apiUpdateItem(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "api.not_found"))
		return
	}
	var body struct {
		Status   *string `json:"status"`
		Evidence *string `json:"evidence"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	ch, problems := h.checkPlanChange(c, body.Status, body.Evidence)
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "plan.invalid_item"), problems...)
		return
	}
	it, err := h.store.UpdatePlanItem(c.Request.Context(), currentUser(c).ID, id, ch)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toPlanItemJSON(c, it))
}

func (h *planHandlers) apiDeleteItem(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "api.not_found"))
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
	n, p, err := h.resolveStep(c, currentUser(c).ID, c.PostForm("step"))
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if p != "" {
		h.renderError(c, http.StatusUnprocessableEntity, h.T(c, "plan.add_refused", "Problem", p))
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
		h.renderError(c, http.StatusNotFound, h.T(c, notFoundPlanItem))
		return
	}
	status, evidence := c.PostForm("status"), c.PostForm("evidence")
	ch, problems := h.checkPlanChange(c, &status, &evidence)
	for i := range problems {
		if problems[i].Field == "status" { // the page offers a list, not the API's values
			problems[i].Problem = h.T(c, "plan.status_choose")
		}
	}
	if len(problems) > 0 {
		f := &planFormState{ID: id, Status: status, Evidence: evidence, Errors: problems}
		h.progress.renderProgress(c, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.store.UpdatePlanItem(c.Request.Context(), currentUser(c).ID, id, ch); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundPlanItem))
		return
	}
	h.redirect(c, planItemAnchor(id), "plan-saved")
}

func (h *planHandlers) deleteSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, h.T(c, notFoundPlanItem))
		return
	}
	if err := h.store.DeletePlanItem(c.Request.Context(), currentUser(c).ID, id); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundPlanItem))
		return
	}
	h.redirect(c, "/progress#plan", "plan-removed")
}

// notFoundPlanItem is the catalog key of the answer for a plan item that
// is not there.
const notFoundPlanItem = "plan.not_found"

func planItemAnchor(id int64) string { return "/progress#plan-item-" + strconv.FormatInt(id, 10) }

// planFormState is a refused plan form, shown again as it was sent.
type planFormState struct {
	ID       int64
	Status   string
	Evidence string
	Errors   []problem
}
