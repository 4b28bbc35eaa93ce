package web

import (
	"context"
	jsonv1 "encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
)

// resultReviewStore is what a counselor's review of one result uses: the
// result, its verified levels, and the feedback on it.
type resultReviewStore interface {
	learnerFinder
	Assessment(ctx context.Context, userID, id int64) (db.Assessment, error)
	Verification(ctx context.Context, learnerID, assessmentID int64) (db.Verification, error)
	SetVerification(ctx context.Context, counselorID, learnerID, assessmentID int64, v db.NewVerification) (db.Verification, error)
	DeleteVerification(ctx context.Context, counselorID, learnerID, assessmentID int64) error
	FeedbackOn(ctx context.Context, learnerID, assessmentID int64) ([]db.Feedback, error)
	RecordAccess(ctx context.Context, actorID, learnerID int64, what string) error
}

// resultReviewHandlers serve a counselor's review of one of a learner's
// results: the page with self and verified scores side by side, the
// verified-levels form and the feedback form, and the verified-levels API.
type resultReviewHandlers struct {
	*site
	store resultReviewStore
}

// resultFinder finds one result of a learner on the counselor's caseload.
type resultFinder interface {
	learnerFinder
	Assessment(ctx context.Context, userID, id int64) (db.Assessment, error)
}

// notFoundLearnerResult is the catalog's answer for a result that is not
// the learner's.
const notFoundLearnerResult = "review.no_such_result"

// learnerResult loads the learner named by :id, if they share with the
// current counselor, and their result named by :aid; otherwise it answers
// 404 (or the store's error) and returns false.
func (s *site) learnerResult(c *gin.Context, store resultFinder) (db.CaseloadEntry, db.Assessment, bool) {
	e, ok := s.sharedLearner(c, store)
	if !ok {
		return e, db.Assessment{}, false
	}
	aid, ok := parseID(c.Param("aid"))
	err := db.ErrNotFound
	var a db.Assessment
	if ok {
		a, err = store.Assessment(c.Request.Context(), e.LearnerID, aid)
	}
	if err != nil {
		s.resultError(c, err)
		return e, db.Assessment{}, false
	}
	return e, a, true
}

func (s *site) resultError(c *gin.Context, err error) {
	switch {
	case !isAPI(c):
		s.pageStoreError(c, err, s.T(c, notFoundLearnerResult))
	case isNotFound(err):
		apiFail(c, http.StatusNotFound, s.T(c, notFoundLearnerResult))
	default:
		s.apiStoreError(c, err)
	}
}

// errStaleProfile is a result whose stored answers the current profile no
// longer accepts, so it cannot be scored again with verified levels.
var errStaleProfile = errors.New("the stored answers do not fit the current profile")

// staleProfileMessage is the catalog's words for errStaleProfile.
const staleProfileMessage = "review.stale_profile"

// verify scores the learner's self answers with the verified ones in
// their place. Problems are named by question, or by the "answers" field
// when nothing was verified.
func (s *site) verify(c *gin.Context, a db.Assessment, verified map[string]jsonv1.RawMessage) (db.NewVerification, []problem, error) {
	p := s.profileFor(a.ProfileID)
	self, selfProblems, err := p.ParseJSON(a.Answers)
	if err != nil || len(selfProblems) > 0 {
		return db.NewVerification{}, nil, errStaleProfile
	}
	all, only, problems := p.WithVerified(self, verified)
	if len(problems) > 0 {
		return db.NewVerification{}, s.answerProblems(c, problems), nil
	}
	if len(only) == 0 {
		return db.NewVerification{}, []problem{fieldProblem("answers", s.T(c, "review.verify_none"))}, nil
	}
	r := scoring.Score(p, all)
	return db.NewVerification{Answers: only.AppendJSON(nil), Result: r.AppendJSON(nil), Overall: r.Overall, Band: r.Band}, nil, nil
}

// verifiedJSON is a result's verified levels as the API shows them: the
// verified answers, who verified and when, the self score beside it, and
// the verified result, scored as any result is.
type verifiedJSON struct {
	AssessmentID int64             `json:"assessment_id"`
	Answers      jsonv1.RawMessage `json:"answers"`
	Counselor    counselorBrief    `json:"counselor"`
	VerifiedAt   string            `json:"verified_at"`
	Self         verifiedSelfJSON  `json:"self"`
	Result       jsonv1.RawMessage `json:"result"`
}

type verifiedSelfJSON struct {
	Overall float64 `json:"overall"`
	Band    string  `json:"band"`
}

// toVerifiedJSON is the verified levels with the verified result's words
// in the request's language, as a stored result's are.
func (s *site) toVerifiedJSON(c *gin.Context, a db.Assessment, v db.Verification) verifiedJSON {
	result := v.Result
	if s.langOf(c) != assessment.SourceLanguage {
		var r scoring.Result
		if err := json.Unmarshal(v.Result, &r); err == nil {
			s.localResult(c, &r)
			result = r.AppendJSON(nil)
		}
	}
	return verifiedJSON{AssessmentID: a.ID, Answers: rawOrNull(v.Answers), Counselor: briefOf(v.CounselorID, v.CounselorName),
		VerifiedAt: v.VerifiedAt.UTC().Format(time.RFC3339), Self: verifiedSelfJSON{a.Overall, a.Band}, Result: rawOrNull(result)}
}

func rawOrNull(b []byte) jsonv1.RawMessage {
	if len(b) == 0 || !jsonv1.Valid(b) {
		return jsonv1.RawMessage("null")
	}
	return b
}

// apiGetVerified is GET /api/v1/learners/{id}/assessments/{aid}/verified.
func (h *resultReviewHandlers) apiGetVerified(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	err := h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionVerifiedAPI)
	var v db.Verification
	if err == nil {
		v, err = h.store.Verification(ctx, e.LearnerID, a.ID)
	}
	if isNotFound(err) {
		apiFail(c, http.StatusNotFound, h.T(c, "review.no_verified"))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toVerifiedJSON(c, a, v))
}

// apiPutVerified is PUT /api/v1/learners/{id}/assessments/{aid}/verified
// {"answers":{…}}: it records the verified levels, replacing any before,
// and answers with the verified result.
func (h *resultReviewHandlers) apiPutVerified(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	var body struct {
		Answers *map[string]jsontext.Value `json:"answers"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	if body.Answers == nil {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "review.invalid_verified"), fieldProblem("answers", h.T(c, "review.answers_required")))
		return
	}
	raw := make(map[string]jsonv1.RawMessage, len(*body.Answers))
	for id, v := range *body.Answers {
		raw[id] = jsonv1.RawMessage(v)
	}
	nv, problems, err := h.verify(c, a, raw)
	if errors.Is(err, errStaleProfile) {
		apiFail(c, http.StatusConflict, h.T(c, staleProfileMessage))
		return
	}
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "review.invalid_verified"), problems...)
		return
	}
	ctx := c.Request.Context()
	err = h.store.RecordAccess(ctx, currentUser(c).ID, e.LearnerID, db.ActionVerifiedAPI)
	var v db.Verification
	if err == nil {
		v, err = h.store.SetVerification(ctx, currentUser(c).ID, e.LearnerID, a.ID, nv)
	}
	if err != nil {
		h.learnerError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toVerifiedJSON(c, a, v))
}

// apiDeleteVerified is DELETE /api/v1/learners/{id}/assessments/{aid}/verified.
func (h *resultReviewHandlers) apiDeleteVerified(c *gin.Context) {
	e, a, ok := h.learnerResult(c, h.store)
	if !ok {
		return
	}
	if err := h.store.DeleteVerification(c.Request.Context(), currentUser(c).ID, e.LearnerID, a.ID); err != nil {
		if isNotFound(err) {
			apiFail(c, http.StatusNotFound, h.T(c, "review.no_verified"))
			return
		}
		h.apiStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// verifiedFromForm reads the verified-levels form: a select per single,
// years or rating question (v.<id>, empty for not verified), and for a
// multi question a "verify" box with its id and a box per option.
func verifiedFromForm(p *assessment.Profile, form url.Values) map[string]jsonv1.RawMessage {
	sub := url.Values{}
	var qs []*assessment.Question
	empty := map[string]bool{}
	for i := range p.Questions {
		q := &p.Questions[i]
		vals := form["v."+q.ID]
		if q.Type == assessment.TypeMulti {
			if !slices.Contains(form["verify"], q.ID) {
				continue
			}
			if !slices.ContainsFunc(vals, func(v string) bool { return strings.TrimSpace(v) != "" }) {
				empty[q.ID] = true
				continue
			}
		}
		sub[q.ID] = vals
		qs = append(qs, q)
	}
	raw := assessment.RawFromForm(sub, qs)
	for id := range empty {
		raw[id] = jsonv1.RawMessage("[]")
	}
	return raw
}
