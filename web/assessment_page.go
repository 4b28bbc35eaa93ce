package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/record"
	"github.com/readiness/readiness/web/i18n"
)

// assessmentStore is what taking the assessment uses: the draft kept
// between sections, and the finished result.
type assessmentStore interface {
	Draft(ctx context.Context, owner db.DraftOwner) (db.Draft, error)
	SaveDraft(ctx context.Context, owner db.DraftOwner, d db.Draft) error
	DeleteDraft(ctx context.Context, owner db.DraftOwner) error
	CreateAssessment(ctx context.Context, userID int64, r db.NewResult) (db.Assessment, error)
	CreateVisitorResult(ctx context.Context, sessionID string, r db.NewResult) (db.Assessment, error)
	AssessmentsByUser(ctx context.Context, userID int64, limit, offset int) ([]db.Assessment, error)
}

// assessmentPages serve /assessment, one section per dimension, for
// learners and visitors alike.
type assessmentPages struct {
	*site
	store    assessmentStore
	sessions *sessions // a visitor's draft and result live with a session
}

// The assessment pages take one dimension per section. Answers are kept as a
// draft after every section, so a learner can leave and resume, and a
// visitor's draft lives with their browser session.

type sectionView struct {
	Number, Count int
	Dimension     assessment.Dimension
	Sections      []assessment.Dimension
	Done          []bool // per section: every question in it answered
	Questions     []questionView
	Problems      []problemView
	Answered      int
	Total         int
	Resumed       bool
}

// problemView is one question's problem in the error summary: the prompt
// (a link to the question), what joins it to the message, and the message.
type problemView struct {
	Question, Prompt, Sep, Problem string
}

type questionView struct {
	Q        *assessment.Question
	Options  []optionView
	Error    string
	ShowIf   string // the question this one depends on, for the page's script
	ShowIfIn string // space-separated option keys that show it
	Hint     string // when it applies, for people without script
	IsMulti  bool
	IsRating bool
}

type optionView struct {
	Key, Label, Description string
	Checked                 bool
}

// owner is where the request's draft lives: the logged-in user (whatever
// their role: a counselor or admin may take the assessment too), or the
// browser session of a visitor.
func (h *assessmentPages) draftOwner(c *gin.Context) (db.DraftOwner, bool) {
	if u := currentUser(c); u != nil {
		return db.DraftOwner{UserID: u.ID}, true
	}
	if sess := currentSession(c); sess != nil {
		return db.DraftOwner{SessionID: sess.ID}, true
	}
	return db.DraftOwner{}, false
}

// loadDraft returns the raw answers and section of the request's draft.
func (h *assessmentPages) loadDraft(c *gin.Context) (map[string]json.RawMessage, int, error) {
	owner, ok := h.draftOwner(c)
	if !ok {
		return map[string]json.RawMessage{}, 0, nil
	}
	d, err := h.store.Draft(c.Request.Context(), owner)
	if errors.Is(err, db.ErrNotFound) || (err == nil && d.ProfileID != h.profile.ID) {
		return map[string]json.RawMessage{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	raw := map[string]json.RawMessage{}
	if len(d.Answers) > 0 {
		if err := json.Unmarshal(d.Answers, &raw); err != nil {
			h.log.Warn("draft unreadable; starting afresh", "err", err)
			return map[string]json.RawMessage{}, 0, nil
		}
	}
	return raw, d.Section, nil
}

func (s *site) sectionNumber(v string, def int) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > len(s.profile.Dimensions) {
		return def
	}
	return n
}

func (h *assessmentPages) assessmentPage(c *gin.Context) {
	if c.Query("section") == "" {
		// Starting again: offer the last answers or a blank form.
		last, ok, err := h.lastResult(c)
		if err != nil {
			h.pageStoreError(c, err, "")
			return
		}
		if ok {
			h.renderRetake(c, last)
			return
		}
	}
	raw, saved, err := h.loadDraft(c)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	start := max(saved, 1)
	n := h.sectionNumber(c.Query("section"), start)
	v := h.sectionView(c, n, raw, nil)
	v.Resumed = c.Query("section") == "" && saved > 1
	h.render(c, http.StatusOK, "assessment", h.T(c, "assessment.title", "Section", v.Dimension.Name), v)
}

// sectionView builds section n with the answers so far and any problems,
// in the request's language.
func (s *site) sectionView(c *gin.Context, n int, raw map[string]json.RawMessage, problems []assessment.Problem) sectionView {
	p := s.profileIn(c, s.profile)
	d := p.Dimensions[n-1]
	answers, all := p.Parse(raw)
	v := sectionView{Number: n, Count: len(p.Dimensions), Dimension: d, Sections: p.Dimensions, Total: len(p.Questions)}
	var errs map[string]string
	v.Problems, errs = s.pageProblems(c, p, raw, problems)
	v.Answered = answeredCount(p, raw)
	for i := range p.Dimensions {
		v.Done = append(v.Done, len(s.sectionProblems(i+1, all)) == 0)
	}
	v.Questions = s.questionViews(c, p, p.QuestionsIn(d.ID), raw, answers, errs)
	return v
}

// pageProblems words the answers' problems as a form shows them: in the
// summary with their questions' prompts, and beside each question (errs).
// The assessment and the what-if form share them, so a value gets the same
// message on both.
func (s *site) pageProblems(c *gin.Context, p *assessment.Profile, raw map[string]json.RawMessage, problems []assessment.Problem) ([]problemView, map[string]string) {
	var out []problemView
	errs := map[string]string{}
	for _, pr := range problems {
		prompt, msg := pr.Question, s.answerProblem(c, pr)
		if q, ok := p.Question(pr.Question); ok {
			prompt, msg = q.Prompt, pageProblem(s.printer(c), p, q, raw[q.ID])
		}
		errs[pr.Question] = msg
		sep := ": "
		if strings.HasSuffix(prompt, "?") {
			sep = " "
		}
		out = append(out, problemView{pr.Question, prompt, sep, msg})
	}
	return out, errs
}

// questionViews shows questions of p with the answers so far: those that
// parsed, and those that did not as they were given, so a value that
// failed validation still shows beside its error.
func (s *site) questionViews(c *gin.Context, p *assessment.Profile, qs []*assessment.Question, raw map[string]json.RawMessage, answers assessment.Answers, errs map[string]string) []questionView {
	out := make([]questionView, 0, len(qs))
	for _, q := range qs {
		selected := map[string]bool{}
		if a, ok := answers[q.ID]; ok {
			for _, k := range a.Keys() {
				selected[k] = true
			}
		} else if data, ok := raw[q.ID]; ok {
			// Kept as given, so a value that failed validation still shows.
			var keys []string
			var key string
			if json.Unmarshal(data, &keys) == nil {
				for _, k := range keys {
					selected[k] = true
				}
			} else if json.Unmarshal(data, &key) == nil {
				selected[key] = true
			} else {
				selected[string(data)] = true
			}
		}
		qv := questionView{Q: q, Error: errs[q.ID], IsMulti: q.Type == assessment.TypeMulti, IsRating: q.Type == assessment.TypeRating}
		for _, o := range p.OptionsOf(q) {
			qv.Options = append(qv.Options, optionView{Key: o.Key, Label: o.Label, Description: o.Description, Checked: selected[o.Key]})
		}
		if q.ShowIf != nil {
			qv.ShowIf = q.ShowIf.Question
			for i, k := range q.ShowIf.In {
				if i > 0 {
					qv.ShowIfIn += " "
				}
				qv.ShowIfIn += k
			}
			if dep, ok := p.Question(q.ShowIf.Question); ok && dep.ID == "edu.degree" {
				qv.Hint = s.T(c, "assessment.hint_degree")
			} else {
				qv.Hint = s.T(c, "assessment.hint_applies")
			}
		}
		out = append(out, qv)
	}
	return out
}

// sectionProblems keeps the problems that belong to section n's questions.
func (s *site) sectionProblems(n int, problems []assessment.Problem) []assessment.Problem {
	d := s.profile.Dimensions[n-1]
	var out []assessment.Problem
	for _, pr := range problems {
		if q, ok := s.profile.Question(pr.Question); ok && q.Dimension == d.ID {
			out = append(out, pr)
		}
	}
	return out
}

func (h *assessmentPages) assessmentSubmit(c *gin.Context) {
	p := h.profile
	n := h.sectionNumber(c.PostForm("section"), 0)
	if n == 0 {
		h.renderError(c, http.StatusBadRequest, h.T(c, "assessment.not_a_section"))
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		if isTooLarge(err) {
			h.renderError(c, http.StatusRequestEntityTooLarge, h.T(c, "assessment.form_too_large"))
			return
		}
		h.renderError(c, http.StatusBadRequest, h.T(c, "assessment.form_unreadable"))
		return
	}
	raw, _, err := h.loadDraft(c)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	questions := p.QuestionsIn(p.Dimensions[n-1].ID)
	for _, q := range questions {
		delete(raw, q.ID)
	}
	for id, v := range assessment.RawFromForm(c.Request.PostForm, questions) {
		raw[id] = v
	}

	action := c.PostForm("action")
	next := n
	switch action {
	case "back":
		next = max(n-1, 1)
	case "next", "finish":
		_, problems := p.Parse(raw)
		if sp := h.sectionProblems(n, problems); len(sp) > 0 {
			_ = h.saveDraft(c, raw, n)
			v := h.sectionView(c, n, raw, sp)
			h.render(c, http.StatusUnprocessableEntity, "assessment", h.T(c, "assessment.title_check", "Section", v.Dimension.Name), v)
			return
		}
		if action == "next" && n < len(p.Dimensions) {
			next = n + 1
			break
		}
		// Finishing: every section must be complete.
		for i := 1; i <= len(p.Dimensions); i++ {
			if sp := h.sectionProblems(i, problems); len(sp) > 0 {
				_ = h.saveDraft(c, raw, i)
				v := h.sectionView(c, i, raw, sp)
				h.render(c, http.StatusUnprocessableEntity, "assessment", h.T(c, "assessment.title_check", "Section", v.Dimension.Name), v)
				return
			}
		}
		h.finishAssessment(c, raw)
		return
	default: // "save" or a section link: keep the answers, go where asked
		next = h.sectionNumber(c.PostForm("goto"), n)
	}
	if err := h.saveDraft(c, raw, next); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	c.Redirect(http.StatusSeeOther, "/assessment?section="+strconv.Itoa(next))
}

func (h *assessmentPages) saveDraft(c *gin.Context, raw map[string]json.RawMessage, section int) error {
	owner, ok := h.draftOwner(c)
	if !ok {
		sess, err := h.sessions.visitor(c)
		if err != nil {
			return err
		}
		owner = db.DraftOwner{SessionID: sess.ID}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	return h.store.SaveDraft(c.Request.Context(), owner, db.Draft{ProfileID: h.profile.ID, Answers: data, Section: section, UpdatedAt: h.now()})
}

// finishAssessment scores complete answers, stores the result for a learner
// (or with the browser session for anyone else) and shows it.
func (h *assessmentPages) finishAssessment(c *gin.Context, raw map[string]json.RawMessage) {
	sc, problems := h.scoreRaw(raw)
	if len(problems) > 0 { // cannot happen after the section checks; be safe
		v := h.sectionView(c, 1, raw, h.sectionProblems(1, problems))
		h.render(c, http.StatusUnprocessableEntity, "assessment", h.T(c, "assessment.title_check_all"), v)
		return
	}
	row := record.Of(sc.profile, sc.answers, &sc.result)
	row.ClearDraft = true // the result and the end of the draft, in one transaction
	to, err := h.storeFinished(c, row)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	c.Redirect(http.StatusSeeOther, to)
}

// storeFinished keeps a finished result: in the history of the logged-in
// user, whatever their role, or with the browser session of a visitor. It
// returns the result's page.
func (h *assessmentPages) storeFinished(c *gin.Context, row db.NewResult) (string, error) {
	ctx := c.Request.Context()
	if u := currentUser(c); u != nil {
		a, err := h.store.CreateAssessment(ctx, u.ID, row)
		if err == nil {
			h.metrics.resultStored(ownerLearner)
		}
		return "/results/" + strconv.FormatInt(a.ID, 10), err
	}
	sess, err := h.sessions.visitor(c)
	if err != nil {
		return "", err
	}
	a, err := h.store.CreateVisitorResult(ctx, sess.ID, row)
	if err == nil {
		h.metrics.resultStored(ownerVisitor)
	}
	return "/results/v" + strconv.FormatInt(a.ID, 10), err
}

// assessmentRestart clears the draft, but only once the person has
// confirmed it on a page of its own: the button on the assessment leads
// there, so a slip of the mouse (or the keyboard) loses nothing, with or
// without JavaScript.
func (h *assessmentPages) assessmentRestart(c *gin.Context) {
	if c.PostForm("confirm") != "yes" {
		raw, section, err := h.loadDraft(c)
		if err != nil {
			h.pageStoreError(c, err, "")
			return
		}
		h.render(c, http.StatusOK, "assessment_restart", h.T(c, "assessment_restart.title"), restartView{
			Answered: answeredCount(h.profile, raw), Total: len(h.profile.Questions), Section: max(section, 1),
		})
		return
	}
	if owner, ok := h.draftOwner(c); ok {
		if err := h.store.DeleteDraft(c.Request.Context(), owner); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.pageStoreError(c, err, "")
			return
		}
	}
	// Where starting again begins: a learner with a result chooses between
	// their last answers and a blank form; anyone else gets section 1.
	h.redirect(c, "/assessment", "draft-reset")
}

// restartView is the page that asks before the draft is cleared.
type restartView struct {
	Answered, Total, Section int
}

// answeredCount is how many of the profile's questions have an answer in raw.
func answeredCount(p *assessment.Profile, raw map[string]json.RawMessage) int {
	n := 0
	for i := range p.Questions {
		if _, ok := raw[p.Questions[i].ID]; ok {
			n++
		}
	}
	return n
}

// pageProblem says in a sentence what to do about a question the page
// refused, in the words the page uses (levels by name, options by label),
// from the question and what was sent. The API keeps the validator's terse
// problems, which name keys and numbers for programs.
func pageProblem(pr *i18n.Printer, p *assessment.Profile, q *assessment.Question, sent json.RawMessage) string {
	var keys []string
	if len(sent) > 0 {
		var one string
		if json.Unmarshal(sent, &keys) != nil {
			if json.Unmarshal(sent, &one) == nil {
				keys = []string{one}
			} else {
				keys = []string{string(sent)}
			}
		}
	}
	exclusive := ""
	for _, o := range p.OptionsOf(q) {
		if o.Exclusive {
			exclusive = o.Label
		}
	}
	lowest, highest := "", ""
	if levels := p.Scales.Rating; len(levels) > 0 {
		lowest, highest = levels[0].Label, levels[len(levels)-1].Label
	}
	switch {
	case len(keys) == 0 && q.Type == assessment.TypeRating:
		return pr.T("assessment.problem_level", "Lowest", lowest, "Highest", highest)
	case len(keys) == 0 && q.Type == assessment.TypeMulti && exclusive != "":
		return pr.T("assessment.problem_every_or", "Option", exclusive)
	case len(keys) == 0 && q.Type == assessment.TypeMulti:
		return pr.T("assessment.problem_every")
	case len(keys) == 0:
		return pr.T("assessment.problem_one")
	case q.Type == assessment.TypeMulti && exclusive != "" && len(keys) > 1:
		return pr.T("assessment.problem_exclusive", "Option", exclusive)
	case q.Type == assessment.TypeRating:
		return pr.T("assessment.problem_level_shown", "Lowest", lowest, "Highest", highest)
	}
	return pr.T("assessment.problem_shown")
}
