package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
)

// resultStore is what the result, progress and compare pages read.
type resultStore interface {
	Assessment(ctx context.Context, userID, id int64) (db.Assessment, error)
	VisitorResult(ctx context.Context, sessionID string, id int64) (db.Assessment, error)
	AttemptHistory(ctx context.Context, userID int64, limit int) ([]db.Attempt, error)
	Draft(ctx context.Context, owner db.DraftOwner) (db.Draft, error)
	ClaimedResult(ctx context.Context, visitorResultID int64) (userID, assessmentID int64, err error)
	PlanItems(ctx context.Context, userID int64) ([]db.PlanItem, error)
}

// resultPages serve one result (/results/{id}), a learner's history
// (/progress) and the comparison of two attempts (/progress/compare).
type resultPages struct {
	*site
	store  resultStore
	review learnerReviewStore
}

// resultView is one stored result, ready for the result page. It is built
// from the result as it was scored; the current profile only supplies wording,
// and anything it no longer has falls back to the stored ids.
type resultView struct {
	ID          string
	CreatedAt   time.Time
	Result      scoring.Result
	Band        assessment.Band
	Visitor     bool
	Reqs        []requirementView
	Costliest   []itemView
	Dimensions  []dimensionView
	Steps       []scoring.StepResult
	Also        []scoring.StepResult
	Uniform     bool
	Context     []assessment.Fact
	ProfileName string
	// CanPlan is true on a learner's own result: each step the catalog
	// still has gets "Add to my plan", or says it is in the plan.
	CanPlan  bool
	InPlan   map[string]bool
	Addable  map[string]bool
	Recs     []db.Recommendation // from the learner's counselors; none for a visitor
	RecItems []recItem           // the same, with "Add to my plan" on a learner's own
	// What the learner's counselors gave them about this result.
	Feedback    []db.Feedback
	NewFeedback int // how many were new when the page was opened
	Verified    *verifiedView
	// On the counselor's learner page: their own feedback on it.
	Mine []feedbackView
}

type requirementView struct {
	Title, Text string
	Met         bool
	CapName     string // the band it caps the result at
}

// dimensionView and itemView copy the fields they show instead of
// embedding scoring's types: a template reaching a promoted field makes
// reflect search the embedded structs, allocating each time, which was a
// seventh of the counselor's learner page's allocations.
type dimensionView struct {
	ID     string
	Name   string
	Weight int
	Score  float64
	Items  []itemView
}

type itemView struct {
	Question  string
	Points    int
	Target    int
	Lost      float64
	Prompt    string
	Answer    string
	Dimension string
}

// decodeResult reads a stored result.
func decodeResult(a db.Assessment) (scoring.Result, error) {
	var r scoring.Result
	err := json.Unmarshal(a.Result, &r)
	return r, err
}

// answerText is an answer in words, using the profile's option labels;
// notAsked is the words for a question that was not shown.
func answerText(p *assessment.Profile, questionID string, v assessment.Value, notAsked string) string {
	if v.Type == "" {
		return notAsked
	}
	q, ok := p.Question(questionID)
	var parts []string
	for _, k := range v.Keys() {
		label := k
		if ok {
			if o, found := p.Option(q, k); found {
				label = o.Label
				if q.Type == assessment.TypeRating {
					label = k + " · " + o.Label
				}
			}
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, ", ")
}

// localResult is a stored result in the request's language: stored
// results keep the source language's texts, and another language's are
// looked up by id.
func (s *site) localResult(c *gin.Context, r *scoring.Result) *assessment.Profile {
	p := s.profileIn(c, s.profileFor(r.Profile.ID))
	if p.Language != assessment.SourceLanguage {
		scoring.Relabel(r, p)
	}
	return p
}

func (s *site) buildResultView(c *gin.Context, a db.Assessment, visitor bool) (resultView, error) {
	r, err := decodeResult(a)
	if err != nil {
		return resultView{}, err
	}
	p := s.localResult(c, &r)
	notAsked := s.T(c, "result.not_asked")
	v := resultView{CreatedAt: a.CreatedAt, Result: r, Visitor: visitor, Context: p.Context, ProfileName: p.Title}
	v.ID = strconv.FormatInt(a.ID, 10)
	if visitor {
		v.ID = "v" + v.ID
	}
	if b, ok := p.Band(r.Band); ok {
		v.Band = *b
	} else {
		v.Band = assessment.Band{ID: r.Band, Name: r.Band}
	}
	for _, rr := range r.Requirements {
		rv := requirementView{Title: rr.ID, Met: rr.Met}
		for _, req := range p.Requirements {
			if req.ID == rr.ID {
				rv.Title, rv.Text, rv.CapName = req.Title, req.Text, req.CapsBand
				if b, ok := p.Band(req.CapsBand); ok {
					rv.CapName = b.Name
				}
			}
		}
		v.Reqs = append(v.Reqs, rv)
	}
	var all []itemView
	for _, d := range r.Dimensions {
		dv := dimensionView{ID: d.ID, Name: d.Name, Weight: d.Weight, Score: d.Score}
		for _, it := range d.Items {
			iv := itemView{Question: it.Question, Points: it.Points, Target: it.Target, Lost: it.Lost, Prompt: it.Question, Answer: answerText(p, it.Question, it.Answer, notAsked), Dimension: d.Name}
			if q, ok := p.Question(it.Question); ok {
				iv.Prompt = q.Prompt
			}
			dv.Items = append(dv.Items, iv)
			if it.Lost >= 0.005 {
				all = append(all, iv)
			}
		}
		v.Dimensions = append(v.Dimensions, dv)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Lost > all[j].Lost })
	v.Costliest = all[:min(5, len(all))]
	for _, st := range r.Steps {
		if st.AlsoConsider() {
			v.Also = append(v.Also, st)
		} else {
			v.Steps = append(v.Steps, st)
		}
	}
	for _, w := range r.Warnings {
		if w == scoring.WarningUniformRatings {
			v.Uniform = true
		}
	}
	return v, nil
}

// planButtons marks which of a result's steps are in the plan already and
// which can be added (those the catalog still has).
func (s *site) planButtons(v *resultView, items []db.PlanItem) {
	v.CanPlan, v.InPlan, v.Addable = true, stepsOf(items), map[string]bool{}
	for _, st := range s.profile.Steps {
		v.Addable[st.ID] = true
	}
}

func (h *resultPages) resultPage(c *gin.Context) {
	a, visitor, done, err := h.loadResult(c, "")
	if done {
		return
	}
	var v resultView
	if err == nil {
		v, err = h.buildResultView(c, a, visitor)
	}
	ctx := c.Request.Context()
	if u := currentUser(c); err == nil && !visitor && u.Role == account.RoleLearner {
		var items []db.PlanItem
		if items, err = h.store.PlanItems(ctx, u.ID); err == nil {
			h.planButtons(&v, items)
		}
	}
	if err == nil && !visitor {
		v.Recs, err = h.review.Recommendations(ctx, a.UserID)
		v.RecItems = recItems(v.Recs, v.InPlan, v.CanPlan, "/results/"+v.ID)
	}
	if err == nil && !visitor {
		err = h.addLearnerReview(c, a, &v)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundResult))
		return
	}
	h.render(c, http.StatusOK, "result", h.T(c, "result.title", "Band", v.Band.Name), v)
}

// notFoundResult is the catalog key of the answer for a result that is not
// there, or not the reader's.
const notFoundResult = "result.not_found"

// loadResult reads the result named by :id: a learner's own, or ("v12")
// one this browser took without an account. done reports that it answered
// the request itself (sent someone to log in, or on to a saved result's
// page, with suffix added to its address).
func (h *resultPages) loadResult(c *gin.Context, suffix string) (a db.Assessment, visitor, done bool, err error) {
	raw := c.Param("id")
	ctx := c.Request.Context()
	visitor = strings.HasPrefix(raw, "v")
	id, ok := parseID(strings.TrimPrefix(raw, "v"))
	switch {
	case !ok:
		err = db.ErrNotFound
	case visitor:
		sess := currentSession(c)
		if sess == nil {
			err = db.ErrNotFound
		} else {
			a, err = h.store.VisitorResult(ctx, sess.ID, id)
		}
		if isNotFound(err) {
			if done, cerr := h.toSavedResult(c, id, suffix); cerr != nil {
				err = cerr
			} else if done {
				return a, visitor, true, nil
			}
		}
	default:
		u := currentUser(c)
		if u == nil {
			h.requireUser(c)
			return a, visitor, true, nil
		}
		a, err = h.store.Assessment(ctx, u.ID, id)
	}
	return a, visitor, false, err
}

// toSavedResult answers a visitor result's old address once the result has
// been saved to an account: its owner goes to the saved result, and someone
// not logged in to the login page, which brings them back here. It reports
// whether it answered; a failed lookup (other than none saved) is its error,
// for the one error path.
func (h *resultPages) toSavedResult(c *gin.Context, visitorID int64, suffix string) (bool, error) {
	owner, saved, err := h.store.ClaimedResult(c.Request.Context(), visitorID)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	u := currentUser(c)
	switch {
	case u == nil:
		h.requireUser(c)
		return true, nil
	case u.ID == owner:
		c.Redirect(http.StatusSeeOther, "/results/"+strconv.FormatInt(saved, 10)+suffix)
		return true, nil
	}
	return false, nil
}
