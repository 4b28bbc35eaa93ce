package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// learnerStore is what a counselor's view of one learner uses. A learner
// who does not share with the counselor is db.ErrNotFound everywhere.
type learnerStore interface {
	CaseloadLearner(ctx context.Context, counselorID, learnerID int64, now time.Time) (db.CaseloadEntry, error)
	AssessmentsByUser(ctx context.Context, userID int64, limit, offset int) ([]db.Assessment, error)
	Notes(ctx context.Context, counselorID, learnerID int64) ([]db.Note, error)
	AddNote(ctx context.Context, counselorID, learnerID int64, text string) (db.Note, error)
	SetFlagged(ctx context.Context, counselorID, learnerID int64, flagged bool) error
	RecordAccess(ctx context.Context, actorID, learnerID int64, what string) error
	PlanItems(ctx context.Context, userID int64) ([]db.PlanItem, error)
}

// learnerHandlers serve a counselor's view of one learner on their
// caseload: results, trend, private notes and the follow-up flag, on the
// page and in the API.
type learnerHandlers struct {
	*site
	store  learnerStore
	review learnerReviewReader
}

// learnerReviewReader is what the learner page shows of the counselor's
// review: what they gave the learner.
type learnerReviewReader interface {
	RecommendationsBy(ctx context.Context, counselorID, learnerID int64) ([]db.Recommendation, error)
	FeedbackBy(ctx context.Context, counselorID, learnerID int64) ([]db.Feedback, error)
	Verifications(ctx context.Context, learnerID int64) (map[int64]db.Verification, error)
}

// maxNoteChars bounds a note; longer text is refused, not cut.
const maxNoteChars = 2000

// learnerResultsLimit caps how many results the learner page and API load.
const learnerResultsLimit = 100

// notFoundLearner is the catalog key of the one answer for a learner who
// is not on the caseload: never shared, stopped sharing, or no such id.
const notFoundLearner = "learner.not_found"

// caseloadLearner loads the learner named by :id if they share with the
// current counselor; otherwise it answers 404 (or the store's error) and
// returns false.
func (h *learnerHandlers) caseloadLearner(c *gin.Context) (db.CaseloadEntry, bool) {
	return h.sharedLearner(c, h.store)
}

// checkNote trims a note and says what is wrong with it, or "".
func checkNote(pr *i18n.Printer, text string) (string, string) {
	return checkText(pr, text, maxNoteChars, true)
}

// learnerView is the counselor's page about one learner.
type learnerView struct {
	Learner     caseloadRowView
	Since       time.Time
	Chart       chartView
	HasChart    bool
	Steps       []scoring.StepResult // the latest result's ranked steps
	Also        []scoring.StepResult
	Results     []resultView // newest first
	Limited     bool
	Notes       []db.Note
	Plan        []planItemView      // read only: the learner changes it
	Recs        []db.Recommendation // the counselor's own, newest first
	Compare     compareForm         // two of their attempts, compared from the counselor's side
	MaxFeedback int
	NoteText    string
	NoteError   string
	MaxNote     int
}

func (h *learnerHandlers) learnerPage(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	h.renderLearner(c, http.StatusOK, e, "", "")
}

// renderLearner shows the learner's results, recording first that the
// counselor opened them: no record, no results.
func (h *learnerHandlers) renderLearner(c *gin.Context, status int, e db.CaseloadEntry, noteText, noteError string) {
	ctx := c.Request.Context()
	err := h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionResultsPage)
	var list []db.Assessment
	if err == nil {
		list, err = h.store.AssessmentsByUser(ctx, e.LearnerID, learnerResultsLimit, 0)
	}
	var (
		notes []db.Note
		items []db.PlanItem
	)
	if err == nil {
		notes, err = h.store.Notes(ctx, currentUser(c).ID, e.LearnerID)
	}
	if err == nil {
		items, err = h.store.PlanItems(ctx, e.LearnerID)
	}
	var planViews []planItemView
	if err == nil {
		planViews, err = h.planViews(c, items, takenOfResults(list), resultLoader(byID(list)))
	}
	var recs []db.Recommendation
	if err == nil {
		recs, err = h.review.RecommendationsBy(ctx, currentUser(c).ID, e.LearnerID)
	}
	var (
		fb  []db.Feedback
		ver map[int64]db.Verification
	)
	if err == nil {
		fb, err = h.review.FeedbackBy(ctx, currentUser(c).ID, e.LearnerID)
	}
	if err == nil {
		ver, err = h.review.Verifications(ctx, e.LearnerID)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	v := learnerView{Learner: h.caseloadRow(c, e), Since: e.LinkedAt, Limited: len(list) == learnerResultsLimit,
		Notes: notes, Plan: planViews, Recs: recs, NoteText: noteText, NoteError: noteError, MaxNote: maxNoteChars,
		MaxFeedback: maxFeedbackChars}
	// Each stored result is decoded once, here, for its explanation, the
	// trend chart and the compare form (decoding it three times was a sixth
	// of the page's time; docs/PERFORMANCE.md, round 2).
	attempts := make([]db.Attempt, len(list))
	for i, a := range list {
		attempts[i] = attemptOf(a)
	}
	v.Compare = h.newCompareForm(c, attempts, h.zoneOf(c))
	v.Compare.Action = learnerPath(e.LearnerID) + "/compare"
	if len(list) >= 2 {
		v.Compare.A, v.Compare.B = list[1].ID, list[0].ID
	}
	mine := map[int64][]db.Feedback{}
	for i := len(fb) - 1; i >= 0; i-- { // oldest first under each result
		mine[fb[i].AssessmentID] = append(mine[fb[i].AssessmentID], fb[i])
	}
	for i, a := range list {
		rv, err := h.buildResultView(c, a, false)
		if err != nil {
			h.log.Error("learner page decode", "id", a.ID, "err", err)
			continue
		}
		for _, d := range rv.Result.Dimensions {
			attempts[i].Dimensions[d.ID] = d.Score
		}
		if i == 0 {
			v.Steps, v.Also = rv.Steps, rv.Also
		}
		rv.Mine = h.feedbackViews(mine[a.ID], currentUser(c).ID)
		if vr, ok := ver[a.ID]; ok {
			vv, err := h.buildVerifiedView(c, a, vr)
			if err != nil {
				h.log.Error("learner page verified levels", "id", a.ID, "err", err)
			} else {
				rv.Verified = &vv
			}
		}
		v.Results = append(v.Results, rv)
	}
	v.Chart, v.HasChart = h.trendOf(c, attempts, h.zoneOf(c))
	h.render(c, status, "counselor_learner", e.Name, v)
}

func (h *learnerHandlers) noteSubmit(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	text, problem := checkNote(h.printer(c), c.PostForm("text"))
	if problem != "" {
		h.renderLearner(c, http.StatusUnprocessableEntity, e, c.PostForm("text"), problem)
		return
	}
	if _, err := h.store.AddNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, text); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner)) // not found: they stopped sharing a moment ago
		return
	}
	h.redirect(c, learnerPath(e.LearnerID)+"#notes", "note-added")
}

func learnerPath(id int64) string { return "/counselor/learners/" + strconv.FormatInt(id, 10) }

func (h *learnerHandlers) flagSubmit(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	flagged, valid := parseBoolParam(c.PostForm("flagged"))
	if !valid {
		h.renderError(c, http.StatusUnprocessableEntity, h.T(c, "learner.flag_invalid"))
		return
	}
	if err := h.store.SetFlagged(c.Request.Context(), currentUser(c).ID, e.LearnerID, flagged); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	h.redirect(c, learnerPath(e.LearnerID), "flag-changed")
}

// apiLearnerPlan is the learner's plan, read only, in the shape of their
// own GET /api/v1/plan; the reading is recorded like a reading of results.
func (h *learnerHandlers) apiLearnerPlan(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	err := h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionPlanAPI)
	var items []db.PlanItem
	if err == nil {
		items, err = h.store.PlanItems(ctx, e.LearnerID)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.planJSON(c, items))
}

func (h *learnerHandlers) apiLearnerAssessments(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	limit, offset, ok := pageParams(c, caseloadPageSize)
	if !ok {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_paging"), fieldProblem("page", h.T(c, "api.paging_problem")))
		return
	}
	ctx := c.Request.Context()
	err := h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionResultsAPI)
	var list []db.Assessment
	if err == nil {
		list, err = h.store.AssessmentsByUser(ctx, e.LearnerID, limit, offset)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	h.writeAssessmentList(c, list)
}

// noteJSON is a note as the API shows it.
type noteJSON struct {
	ID        int64      `json:"id"`
	Text      string     `json:"text"`
	Author    noteAuthor `json:"author"`
	CreatedAt string     `json:"created_at"`
	EditedAt  *string    `json:"edited_at"` // null for a note never edited
}

type noteAuthor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func toNoteJSON(n db.Note) noteJSON {
	j := noteJSON{ID: n.ID, Text: n.Text, Author: noteAuthor{n.CounselorID, n.AuthorName},
		CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339)}
	if !n.EditedAt.IsZero() {
		at := n.EditedAt.UTC().Format(time.RFC3339)
		j.EditedAt = &at
	}
	return j
}

func (h *learnerHandlers) apiNotes(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	notes, err := h.store.Notes(c.Request.Context(), currentUser(c).ID, e.LearnerID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]noteJSON, len(notes))
	for i, n := range notes {
		out[i] = toNoteJSON(n)
	}
	c.JSON(http.StatusOK, gin.H{"notes": out})
}

func (h *learnerHandlers) apiAddNote(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	text, ok := h.bindText(c, "api.invalid_note", checkNote)
	if !ok {
		return
	}
	n, err := h.store.AddNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, text)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toNoteJSON(n))
}

func (h *learnerHandlers) apiSetFlag(c *gin.Context) {
	e, ok := h.caseloadLearner(c)
	if !ok {
		return
	}
	var body struct {
		Flagged *bool `json:"flagged"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	if body.Flagged == nil {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_flag"), fieldProblem("flagged", h.T(c, "problem.required_bool")))
		return
	}
	if err := h.store.SetFlagged(c.Request.Context(), currentUser(c).ID, e.LearnerID, *body.Flagged); err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": e.LearnerID, "flagged": *body.Flagged})
}
