package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// feedbackStore is what a counselor's feedback on a learner's results uses.
type feedbackStore interface {
	resultFinder
	AddFeedback(ctx context.Context, counselorID, learnerID, assessmentID int64, text string) (db.Feedback, error)
	FeedbackOn(ctx context.Context, learnerID, assessmentID int64) ([]db.Feedback, error)
	FeedbackItem(ctx context.Context, counselorID, learnerID, id int64) (db.Feedback, error)
	EditFeedback(ctx context.Context, counselorID, learnerID, id int64, text string, since time.Time) (db.Feedback, error)
	DeleteFeedback(ctx context.Context, counselorID, learnerID, id int64, since time.Time) error
}

// feedbackHandlers serve a counselor's feedback to a learner on one of
// their results: giving it (from the learner page or the result's review
// page), and changing or deleting it for a day, on the pages and the API.
type feedbackHandlers struct {
	*site
	store  feedbackStore
	review *resultReviewHandlers // shows a refused form on the review page
}

// feedbackJSON is feedback as the API shows it, to the learner and to its
// author.
type feedbackJSON struct {
	ID        int64          `json:"id"`
	Text      string         `json:"text"`
	Counselor counselorBrief `json:"counselor"`
	CreatedAt string         `json:"created_at"`
	EditedAt  *string        `json:"edited_at"`
}

func toFeedbackJSON(f db.Feedback) feedbackJSON {
	j := feedbackJSON{ID: f.ID, Text: f.Text, Counselor: briefOf(f.CounselorID, f.CounselorName), CreatedAt: f.CreatedAt.UTC().Format(time.RFC3339)}
	if !f.EditedAt.IsZero() {
		at := f.EditedAt.UTC().Format(time.RFC3339)
		j.EditedAt = &at
	}
	return j
}

func feedbackList(list []db.Feedback) []feedbackJSON {
	out := make([]feedbackJSON, len(list))
	for i, f := range list {
		out[i] = toFeedbackJSON(f)
	}
	return out
}

// editableSince is the oldest feedback that may still be changed.
func (s *site) editableSince() time.Time { return s.now().Add(-feedbackEditWindow) }

// lockedMessage and notFoundFeedback are the catalog's words for feedback
// too old to change, and for someone else's.
const (
	lockedMessage    = "review.feedback_locked"
	notFoundFeedback = "review.no_such_feedback"
)

// feedbackError answers a failed change of feedback.
func (s *site) feedbackError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, db.ErrLocked) && isAPI(c):
		apiFail(c, http.StatusConflict, s.T(c, lockedMessage))
	case errors.Is(err, db.ErrLocked):
		s.renderError(c, http.StatusConflict, s.T(c, lockedMessage))
	case isAPI(c) && isNotFound(err):
		apiFail(c, http.StatusNotFound, s.T(c, notFoundFeedback))
	case isAPI(c):
		s.apiStoreError(c, err)
	default:
		s.pageStoreError(c, err, s.T(c, notFoundFeedback))
	}
}

// checkFeedback trims feedback and says what is wrong with it, or "".
func checkFeedback(pr *i18n.Printer, text string) (string, string) {
	return checkText(pr, text, maxFeedbackChars, true)
}

// apiAddFeedback is POST /api/v1/learners/{id}/assessments/{aid}/feedback.
func (h *feedbackHandlers) apiAddFeedback(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	text, ok := h.bindText(c, "review.invalid_feedback", checkFeedback)
	if !ok {
		return
	}
	f, err := h.store.AddFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, a.ID, text)
	if err != nil {
		h.learnerError(c, err) // not found: they stopped sharing a moment ago
		return
	}
	c.JSON(http.StatusCreated, toFeedbackJSON(f))
}

// apiListFeedback is GET /api/v1/learners/{id}/assessments/{aid}/feedback:
// the counselor's own feedback on that result, oldest first.
func (h *feedbackHandlers) apiListFeedback(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	list, err := h.store.FeedbackOn(c.Request.Context(), e.LearnerID, a.ID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	me := currentUser(c).ID
	own := []db.Feedback{}
	for _, f := range list {
		if f.CounselorID == me {
			own = append(own, f)
		}
	}
	c.JSON(http.StatusOK, gin.H{"feedback": feedbackList(own)})
}

// sharedFeedback is ownFeedback for the pages, which name no result: the
// learner named by :id among those who share with the counselor, and the
// counselor's own feedback to them named by :fid.
func (h *feedbackHandlers) sharedFeedback(c *gin.Context) (db.CaseloadEntry, db.Feedback, bool) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return db.CaseloadEntry{}, db.Feedback{}, false
	}
	f, ok := h.ownFeedback(c, e)
	return e, f, ok
}

// ownFeedback loads the counselor's own feedback named by :fid, on the
// result named by :aid when the route has one.
func (h *feedbackHandlers) ownFeedback(c *gin.Context, e db.CaseloadEntry) (db.Feedback, bool) {
	id, ok := parseID(c.Param("fid"))
	err := db.ErrNotFound
	var f db.Feedback
	if ok {
		f, err = h.store.FeedbackItem(c.Request.Context(), currentUser(c).ID, e.LearnerID, id)
	}
	if aid := c.Param("aid"); err == nil && aid != "" && aid != strconv.FormatInt(f.AssessmentID, 10) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.feedbackError(c, err)
		return db.Feedback{}, false
	}
	return f, true
}

// apiEditFeedback is PATCH /api/v1/learners/{id}/assessments/{aid}/feedback/{fid} {"text"}.
func (h *feedbackHandlers) apiEditFeedback(c *gin.Context) {
	e, _, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	f, ok := h.ownFeedback(c, e)
	if !ok {
		return
	}
	text, ok := h.bindText(c, "review.invalid_feedback", checkFeedback)
	if !ok {
		return
	}
	f, err := h.store.EditFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, f.ID, text, h.editableSince())
	if err != nil {
		h.feedbackError(c, err)
		return
	}
	c.JSON(http.StatusOK, toFeedbackJSON(f))
}

// apiDeleteFeedback is DELETE /api/v1/learners/{id}/assessments/{aid}/feedback/{fid}.
func (h *feedbackHandlers) apiDeleteFeedback(c *gin.Context) {
	e, _, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	f, ok := h.ownFeedback(c, e)
	if !ok {
		return
	}
	if err := h.store.DeleteFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, f.ID, h.editableSince()); err != nil {
		h.feedbackError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// feedbackSubmit is the feedback form's POST, from beside a result on the
// learner page (from=learner) or from the result's review page. A refused
// form comes back on the review page, with the text kept.
func (h *feedbackHandlers) feedbackSubmit(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	text, problem := checkFeedback(h.printer(c), c.PostForm("text"))
	if problem != "" {
		h.review.renderReview(c, http.StatusUnprocessableEntity, e, a, reviewForms{feedback: feedbackForm{Text: c.PostForm("text"), Error: problem}})
		return
	}
	if _, err := h.store.AddFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, a.ID, text); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	back := reviewPath(e.LearnerID, a.ID) + "#feedback"
	if c.PostForm("from") == "learner" {
		back = learnerPath(e.LearnerID) + "#result-" + strconv.FormatInt(a.ID, 10)
	}
	h.redirect(c, back, "feedback-sent")
}

// ownFeedbackArgs and feedbackFormArgs are what the feedback partials
// take: the counselor's own feedback, and a form for new feedback on one
// result. From is "learner" on the learner page, so the forms come back there.
type ownFeedbackArgs struct {
	LearnerID int64
	List      []feedbackView
	From      string
}

type feedbackFormArgs struct {
	LearnerID int64
	ResultID  string
	Form      feedbackForm
	From      string
}

// textEditView is the page that edits a note or a piece of feedback.
type textEditView struct {
	Learner      caseloadRowView
	Kind         string // "note" or "feedback"
	Action       string // where the form posts
	DeleteAction string
	Back         string
	Text, Error  string
	Max          int
	Written      time.Time
	Edited       time.Time
	Until        time.Time // feedback: the end of its editing window
	Locked       bool      // feedback past its window: shown, not editable
}

func (h *feedbackHandlers) renderFeedbackEdit(c *gin.Context, status int, e db.CaseloadEntry, f db.Feedback, text, problem string) {
	base := learnerPath(e.LearnerID) + "/feedback/" + strconv.FormatInt(f.ID, 10)
	until := f.CreatedAt.Add(feedbackEditWindow)
	v := textEditView{Learner: h.caseloadRow(c, e), Kind: "feedback", Action: base, DeleteAction: base + "/delete",
		Back: reviewPath(e.LearnerID, f.AssessmentID) + "#feedback", Text: text, Error: problem, Max: maxFeedbackChars,
		Written: f.CreatedAt, Edited: f.EditedAt, Until: until, Locked: !h.now().Before(until)}
	h.render(c, status, "counselor_edit", h.T(c, "counselor_edit.feedback_heading", "Name", e.Name), v)
}

// feedbackEditPage is GET /counselor/learners/{id}/feedback/{fid}/edit.
func (h *feedbackHandlers) feedbackEditPage(c *gin.Context) {
	e, f, ok := h.sharedFeedback(c)
	if !ok {
		return
	}
	h.renderFeedbackEdit(c, http.StatusOK, e, f, f.Text, "")
}

// feedbackEditSubmit is the edit form's POST /counselor/learners/{id}/feedback/{fid}.
func (h *feedbackHandlers) feedbackEditSubmit(c *gin.Context) {
	e, f, ok := h.sharedFeedback(c)
	if !ok {
		return
	}
	text, problem := checkFeedback(h.printer(c), c.PostForm("text"))
	if problem != "" {
		h.renderFeedbackEdit(c, http.StatusUnprocessableEntity, e, f, c.PostForm("text"), problem)
		return
	}
	if _, err := h.store.EditFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, f.ID, text, h.editableSince()); err != nil {
		h.feedbackError(c, err)
		return
	}
	h.redirect(c, reviewPath(e.LearnerID, f.AssessmentID)+"#feedback", "feedback-edited")
}

// feedbackDeleteSubmit is POST /counselor/learners/{id}/feedback/{fid}/delete.
func (h *feedbackHandlers) feedbackDeleteSubmit(c *gin.Context) {
	e, f, ok := h.sharedFeedback(c)
	if !ok {
		return
	}
	if err := h.store.DeleteFeedback(c.Request.Context(), currentUser(c).ID, e.LearnerID, f.ID, h.editableSince()); err != nil {
		h.feedbackError(c, err)
		return
	}
	back := reviewPath(e.LearnerID, f.AssessmentID) + "#feedback"
	if c.PostForm("from") == "learner" {
		back = learnerPath(e.LearnerID) + "#result-" + strconv.FormatInt(f.AssessmentID, 10)
	}
	h.redirect(c, back, "feedback-deleted")
}
