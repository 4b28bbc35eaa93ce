package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// reviewView is the counselor's page about one result of a learner.
type reviewView struct {
	Learner     caseloadRowView
	Path        string // this page
	Result      resultView
	Verified    *verifiedView // nil when no levels are verified
	VerifyDims  []verifyDim
	Problems    []problem // the verified-levels form's, by question
	Feedback    []feedbackView
	NewFeedback feedbackForm
}

// verifyDim is one dimension's questions in the verified-levels form.
type verifyDim struct {
	Name      string
	Questions []verifyQuestion
}

// verifyQuestion is one question of the verified-levels form: the self
// answer, and the verified one if any (or as sent back with an error).
type verifyQuestion struct {
	ID, Prompt string
	Multi      bool
	SelfAnswer string
	Options    []verifyOption
	Verified   bool // a multi question's "verify" box
	Error      string
}

type verifyOption struct {
	Key, Label string
	Selected   bool
}

// feedbackForm is the state of a feedback form: what was typed and what
// is wrong with it.
type feedbackForm struct {
	Text, Error string
	Max         int
}

// feedbackView is one piece of feedback on the counselor's pages.
type feedbackView struct {
	db.Feedback
	Editable  bool      // its author may still change it
	EditUntil time.Time // when that ends
}

// feedbackEditWindow is how long a counselor may change their feedback.
const feedbackEditWindow = 24 * time.Hour

func (s *site) feedbackViews(list []db.Feedback, counselorID int64) []feedbackView {
	var out []feedbackView
	now := s.now()
	for _, f := range list {
		if f.CounselorID != counselorID {
			continue // a colleague's feedback is theirs to show
		}
		until := f.CreatedAt.Add(feedbackEditWindow)
		out = append(out, feedbackView{Feedback: f, Editable: now.Before(until), EditUntil: until})
	}
	return out
}

func reviewPath(learnerID, assessmentID int64) string {
	return learnerPath(learnerID) + "/results/" + strconv.FormatInt(assessmentID, 10)
}

// reviewForms are what the review page's forms show when sent back.
type reviewForms struct {
	verified map[string]assessment.Value // nil: the stored verified answers
	form     map[string][]string         // the verified form as sent, when it had problems
	problems []problem
	feedback feedbackForm
}

// renderReview shows the review page, recording first that the counselor
// opened the learner's result: no record, no result.
func (h *resultReviewHandlers) renderReview(c *gin.Context, status int, e db.CaseloadEntry, a db.Assessment, f reviewForms) {
	ctx := c.Request.Context()
	me := currentUser(c).ID
	err := h.store.RecordAccess(ctx, me, e.LearnerID, db.ActionReviewPage)
	var (
		v   db.Verification
		fbs []db.Feedback
	)
	if err == nil {
		v, err = h.store.Verification(ctx, e.LearnerID, a.ID)
		if isNotFound(err) {
			err = nil
		}
	}
	if err == nil {
		fbs, err = h.store.FeedbackOn(ctx, e.LearnerID, a.ID)
	}
	var rv resultView
	if err == nil {
		rv, err = h.buildResultView(c, a, false)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearnerResult))
		return
	}
	f.feedback.Max = maxFeedbackChars
	view := reviewView{Learner: h.caseloadRow(c, e), Path: reviewPath(e.LearnerID, a.ID), Result: rv,
		Feedback: h.feedbackViews(fbs, me), NewFeedback: f.feedback, Problems: f.problems}
	verified := f.verified
	if v.AssessmentID != 0 {
		vv, err := h.buildVerifiedView(c, a, v)
		if err != nil {
			h.pageStoreError(c, err, "")
			return
		}
		view.Verified = &vv
		if verified == nil && f.form == nil {
			if err := json.Unmarshal(v.Answers, &verified); err != nil {
				h.pageStoreError(c, err, "")
				return
			}
		}
	}
	view.VerifyDims = h.verifyForm(c, a, rv, verified, f.form, f.problems)
	h.render(c, status, "counselor_review", h.T(c, "counselor_review.title", "Name", e.Name, "Band", rv.Band.Name), view)
}

// verifyForm lays out the verified-levels form over the result's own
// questions, each showing the self answer, with the verified answers (or
// the form as sent) chosen.
func (s *site) verifyForm(c *gin.Context, a db.Assessment, rv resultView, verified map[string]assessment.Value, sent map[string][]string, problems []problem) []verifyDim {
	p := s.profileIn(c, s.profileFor(a.ProfileID))
	errs := map[string]string{}
	for _, pr := range problems {
		if pr.Question != "" {
			errs[pr.Question] = pr.Problem
		}
	}
	var out []verifyDim
	for _, d := range rv.Dimensions {
		vd := verifyDim{Name: d.Name}
		for _, it := range d.Items {
			q, ok := p.Question(it.Question)
			if !ok {
				continue
			}
			vq := verifyQuestion{ID: q.ID, Prompt: q.Prompt, Multi: q.Type == assessment.TypeMulti, SelfAnswer: it.Answer, Error: errs[q.ID]}
			chosen, isVerified := verified[q.ID]
			if sent != nil {
				vq.Verified = slices.Contains(sent["verify"], q.ID)
			} else {
				vq.Verified = isVerified
			}
			for _, o := range p.OptionsOf(q) {
				label := o.Label
				if q.Type == assessment.TypeRating {
					label = o.Key + " · " + o.Label
				}
				vo := verifyOption{Key: o.Key, Label: label}
				if sent != nil {
					vo.Selected = slices.Contains(sent["v."+q.ID], o.Key)
				} else {
					vo.Selected = isVerified && chosen.Selects(o.Key)
				}
				vq.Options = append(vq.Options, vo)
			}
			vd.Questions = append(vd.Questions, vq)
		}
		out = append(out, vd)
	}
	return out
}

// reviewPage is GET /counselor/learners/{id}/results/{aid}.
func (h *resultReviewHandlers) reviewPage(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	h.renderReview(c, http.StatusOK, e, a, reviewForms{})
}

// verifiedSubmit is the verified-levels form's POST.
func (h *resultReviewHandlers) verifiedSubmit(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	form := c.Request.PostForm
	nv, problems, err := h.verify(c, a, verifiedFromForm(h.profileFor(a.ProfileID), form))
	if errors.Is(err, errStaleProfile) {
		h.renderError(c, http.StatusConflict, h.T(c, staleProfileMessage))
		return
	}
	if len(problems) > 0 {
		h.renderReview(c, http.StatusUnprocessableEntity, e, a, reviewForms{form: form, problems: problems})
		return
	}
	if _, err := h.store.SetVerification(c.Request.Context(), currentUser(c).ID, e.LearnerID, a.ID, nv); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	h.redirect(c, reviewPath(e.LearnerID, a.ID)+"#verified", "verified-saved")
}

// verifiedDeleteSubmit removes the result's verified levels.
func (h *resultReviewHandlers) verifiedDeleteSubmit(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	if err := h.store.DeleteVerification(c.Request.Context(), currentUser(c).ID, e.LearnerID, a.ID); err != nil {
		h.pageStoreError(c, err, h.T(c, "review.no_verified"))
		return
	}
	h.redirect(c, reviewPath(e.LearnerID, a.ID)+"#verified", "verified-deleted")
}
