package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// recommendationStore is what a counselor's recommendations to a learner
// use. A learner who does not share with the counselor is db.ErrNotFound.
type recommendationStore interface {
	learnerFinder
	AddRecommendation(ctx context.Context, counselorID, learnerID int64, r db.NewRecommendation) (db.Recommendation, error)
	RecommendationsBy(ctx context.Context, counselorID, learnerID int64) ([]db.Recommendation, error)
	DeleteRecommendation(ctx context.Context, counselorID, learnerID, id int64) error
}

// recommendationHandlers serve a counselor's recommendations to one
// learner: a step from the catalog or their own suggestion, on the page and
// in the API.
type recommendationHandlers struct {
	*site
	store recommendationStore
}

// recommendationInput is a recommendation as sent, by the form or the API.
type recommendationInput struct {
	Step  *string `json:"step"`
	Title *string `json:"title"`
	Text  *string `json:"text"`
	URL   *string `json:"url"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkRecommendation cleans a recommendation and lists its problems by
// field. A catalog step lends its title and text to fields left empty;
// a counselor's own suggestion needs both.
func checkRecommendation(pr *i18n.Printer, p *assessment.Profile, in recommendationInput) (db.NewRecommendation, []problem) {
	var (
		r        db.NewRecommendation
		problems []problem
		catalog  *assessment.Step
		msg      string
	)
	r.Step = strings.TrimSpace(deref(in.Step))
	if r.Step != "" {
		for i := range p.Steps {
			if p.Steps[i].ID == r.Step {
				catalog = &p.Steps[i]
			}
		}
		if catalog == nil {
			problems = append(problems, fieldProblem("step", pr.T("review.step_unknown", "Steps", stepIDs(p))))
		}
	}
	own := r.Step == ""
	if r.Title, msg = checkTitle(pr, deref(in.Title), own); msg != "" {
		problems = append(problems, fieldProblem("title", msg))
	}
	if r.Text, msg = checkText(pr, deref(in.Text), maxFeedbackChars, own); msg != "" {
		problems = append(problems, fieldProblem("text", msg))
	}
	if r.URL, msg = checkLink(pr, deref(in.URL)); msg != "" {
		problems = append(problems, fieldProblem("url", msg))
	}
	if catalog != nil {
		if r.Title == "" {
			r.Title = catalog.Title
		}
		if r.Text == "" {
			r.Text = catalog.Text
		}
	}
	return r, problems
}

func stepIDs(p *assessment.Profile) string {
	ids := make([]string, len(p.Steps))
	for i, st := range p.Steps {
		ids[i] = st.ID
	}
	return strings.Join(ids, ", ")
}

// recommendationJSON is a recommendation as the API shows it, to the
// learner and to its author.
type recommendationJSON struct {
	ID        int64          `json:"id"`
	Step      *string        `json:"step"`
	Title     string         `json:"title"`
	Text      string         `json:"text"`
	URL       *string        `json:"url"`
	Counselor counselorBrief `json:"counselor"`
	CreatedAt string         `json:"created_at"`
}

// counselorBrief names the counselor who wrote something for a learner;
// ID is null once their account is deleted.
type counselorBrief struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
}

func briefOf(id int64, name string) counselorBrief {
	b := counselorBrief{Name: name}
	if id != 0 {
		b.ID = &id
	}
	return b
}

func toRecommendationJSON(r db.Recommendation) recommendationJSON {
	j := recommendationJSON{ID: r.ID, Title: r.Title, Text: r.Text, Counselor: briefOf(r.CounselorID, r.CounselorName),
		CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339)}
	if r.Step != "" {
		j.Step = &r.Step
	}
	if r.URL != "" {
		j.URL = &r.URL
	}
	return j
}

func recommendationList(list []db.Recommendation) gin.H {
	out := make([]recommendationJSON, len(list))
	for i, r := range list {
		out[i] = toRecommendationJSON(r)
	}
	return gin.H{"recommendations": out}
}

// apiRecommend is POST /api/v1/learners/{id}/recommendations.
func (h *recommendationHandlers) apiRecommend(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	var in recommendationInput
	if !h.bindJSON(c, &in) {
		return
	}
	nr, problems := checkRecommendation(h.printer(c), h.profile, in)
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "review.invalid_recommendation"), problems...)
		return
	}
	r, err := h.store.AddRecommendation(c.Request.Context(), currentUser(c).ID, e.LearnerID, nr)
	if err != nil {
		h.learnerError(c, err) // not found: they stopped sharing a moment ago
		return
	}
	c.JSON(http.StatusCreated, toRecommendationJSON(r))
}

// apiRecommendations is GET /api/v1/learners/{id}/recommendations: the
// counselor's own recommendations to the learner.
func (h *recommendationHandlers) apiRecommendations(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	list, err := h.store.RecommendationsBy(c.Request.Context(), currentUser(c).ID, e.LearnerID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, recommendationList(list))
}

// apiDeleteRecommendation is DELETE /api/v1/learners/{id}/recommendations/{rid}.
func (h *recommendationHandlers) apiDeleteRecommendation(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	id, ok := parseID(c.Param("rid"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "review.no_such_recommendation"))
		return
	}
	if err := h.store.DeleteRecommendation(c.Request.Context(), currentUser(c).ID, e.LearnerID, id); err != nil {
		if isNotFound(err) {
			apiFail(c, http.StatusNotFound, h.T(c, "review.no_such_recommendation"))
			return
		}
		h.apiStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// recommendView is the page where a counselor recommends a step.
type recommendView struct {
	Learner  caseloadRowView
	Steps    []assessment.Step
	Step     string
	Title    string
	Text     string
	URL      string
	Errors   map[string]string
	MaxText  int
	MaxTitle int
}

func (h *recommendationHandlers) renderRecommend(c *gin.Context, status int, e db.CaseloadEntry, v recommendView) {
	v.Learner, v.Steps, v.MaxText, v.MaxTitle = h.caseloadRow(c, e), h.profileIn(c, h.profile).Steps, maxFeedbackChars, maxTitleChars
	h.render(c, status, "counselor_recommend", h.T(c, "counselor_recommend.heading", "Name", e.Name), v)
}

// recommendPage is GET /counselor/learners/{id}/recommend; ?step= picks a
// catalog step to start from.
func (h *recommendationHandlers) recommendPage(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	h.renderRecommend(c, http.StatusOK, e, recommendView{Step: c.Query("step")})
}

// recommendSubmit is the form's POST /counselor/learners/{id}/recommendations.
func (h *recommendationHandlers) recommendSubmit(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	form := func(name string) *string { v := c.PostForm(name); return &v }
	nr, problems := checkRecommendation(h.printer(c), h.profile, recommendationInput{Step: form("step"), Title: form("title"), Text: form("text"), URL: form("url")})
	if len(problems) > 0 {
		v := recommendView{Step: c.PostForm("step"), Title: c.PostForm("title"), Text: c.PostForm("text"), URL: c.PostForm("url"), Errors: map[string]string{}}
		for _, p := range problems {
			v.Errors[p.Field] = p.Problem
		}
		h.renderRecommend(c, http.StatusUnprocessableEntity, e, v)
		return
	}
	if _, err := h.store.AddRecommendation(c.Request.Context(), currentUser(c).ID, e.LearnerID, nr); err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundLearner))
		return
	}
	h.redirect(c, learnerPath(e.LearnerID)+"#recommendations", "recommended")
}

// recommendationDeleteSubmit is POST /counselor/learners/{id}/recommendations/{rid}/delete.
func (h *recommendationHandlers) recommendationDeleteSubmit(c *gin.Context) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return
	}
	id, ok := parseID(c.Param("rid"))
	err := db.ErrNotFound
	if ok {
		err = h.store.DeleteRecommendation(c.Request.Context(), currentUser(c).ID, e.LearnerID, id)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, "review.no_such_recommendation_page"))
		return
	}
	h.redirect(c, learnerPath(e.LearnerID)+"#recommendations", "recommendation-deleted")
}
