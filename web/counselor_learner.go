package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
)

// maxNoteChars bounds a note; longer text is refused, not cut.
const maxNoteChars = 2000

// learnerResultsLimit caps how many results the learner page and API load.
const learnerResultsLimit = 100

// notFoundLearner is the one answer for a learner who is not on the
// caseload: never shared, stopped sharing, or no such id.
const notFoundLearner = "There is no learner here who shares results with you. They may have stopped sharing."

// caseloadLearner loads the learner named by :id if they share with the
// current counselor; otherwise it answers 404 and returns false.
func (s *server) caseloadLearner(c *gin.Context) (db.CaseloadEntry, bool) {
	id, ok := parseID(c.Param("id"))
	var (
		e   db.CaseloadEntry
		err = db.ErrNotFound
	)
	if ok {
		e, err = s.store.CaseloadLearner(c.Request.Context(), currentUser(c).ID, id, s.now())
	}
	switch {
	case err == nil:
		return e, true
	case isNotFound(err):
		s.fail(c, http.StatusNotFound, notFoundLearner)
	default:
		s.log.Error("caseload learner", "err", err)
		s.fail(c, http.StatusInternalServerError, "We could not load this learner. Please try again.")
	}
	return db.CaseloadEntry{}, false
}

// checkNote trims a note and says what is wrong with it, or "".
func checkNote(text string) (string, string) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return text, "is required: write something to save"
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return text, "must be plain text"
	case utf8.RuneCountInString(text) > maxNoteChars:
		return text, fmt.Sprintf("must be at most %d characters (this one has %d)", maxNoteChars, utf8.RuneCountInString(text))
	}
	return text, ""
}

// learnerView is the counselor's page about one learner.
type learnerView struct {
	Learner   caseloadRowView
	Since     time.Time
	Chart     chartView
	HasChart  bool
	Steps     []scoring.StepResult // the latest result's ranked steps
	Also      []scoring.StepResult
	Results   []resultView // newest first
	Limited   bool
	Notes     []db.Note
	NoteText  string
	NoteError string
	MaxNote   int
}

func (s *server) learnerPage(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	s.renderLearner(c, http.StatusOK, e, "", "")
}

func (s *server) renderLearner(c *gin.Context, status int, e db.CaseloadEntry, noteText, noteError string) {
	ctx := c.Request.Context()
	list, err := s.store.AssessmentsByUser(ctx, e.LearnerID, learnerResultsLimit, 0)
	var notes []db.Note
	if err == nil {
		notes, err = s.store.Notes(ctx, currentUser(c).ID, e.LearnerID)
	}
	if err != nil {
		s.log.Error("learner page", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not load this learner. Please try again.")
		return
	}
	v := learnerView{Learner: s.caseloadRow(e), Since: e.LinkedAt, Limited: len(list) == learnerResultsLimit,
		Notes: notes, NoteText: noteText, NoteError: noteError, MaxNote: maxNoteChars}
	for i, a := range list {
		rv, err := s.buildResultView(a, false)
		if err != nil {
			s.log.Error("learner page decode", "id", a.ID, "err", err)
			continue
		}
		if i == 0 {
			v.Steps, v.Also = rv.Steps, rv.Also
		}
		v.Results = append(v.Results, rv)
	}
	v.Chart, v.HasChart = s.learnerTrend(list)
	s.render(c, status, "counselor_learner", e.Name, v)
}

func (s *server) noteSubmit(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	text, problem := checkNote(c.PostForm("text"))
	if problem != "" {
		s.renderLearner(c, http.StatusUnprocessableEntity, e, c.PostForm("text"), problem)
		return
	}
	if _, err := s.store.AddNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, text); err != nil {
		if isNotFound(err) { // they stopped sharing a moment ago
			s.renderError(c, http.StatusNotFound, notFoundLearner)
			return
		}
		s.log.Error("add note", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not save the note. Please try again.")
		return
	}
	s.redirect(c, learnerPath(e.LearnerID)+"#notes", "note-added")
}

func learnerPath(id int64) string { return "/counselor/learners/" + strconv.FormatInt(id, 10) }

func (s *server) flagSubmit(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	flagged, valid := parseBoolParam(c.PostForm("flagged"))
	if !valid {
		s.renderError(c, http.StatusUnprocessableEntity, "The flag must be true or false.")
		return
	}
	if err := s.store.SetFlagged(c.Request.Context(), currentUser(c).ID, e.LearnerID, flagged); err != nil {
		if isNotFound(err) {
			s.renderError(c, http.StatusNotFound, notFoundLearner)
			return
		}
		s.log.Error("set flag", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not change the flag. Please try again.")
		return
	}
	s.redirect(c, learnerPath(e.LearnerID), "flag-changed")
}

func (s *server) apiLearnerAssessments(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	limit, offset, ok := pageParams(c, caseloadPageSize)
	if !ok {
		abortFields(c, http.StatusUnprocessableEntity, "invalid paging", fieldProblem{"page", "page must be a whole number from 1; limit from 1 to 100"})
		return
	}
	list, err := s.store.AssessmentsByUser(c.Request.Context(), e.LearnerID, limit, offset)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	writeAssessmentList(c, list)
}

// noteJSON is a note as the API shows it.
type noteJSON struct {
	ID        int64      `json:"id"`
	Text      string     `json:"text"`
	Author    noteAuthor `json:"author"`
	CreatedAt string     `json:"created_at"`
}

type noteAuthor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func toNoteJSON(n db.Note) noteJSON {
	return noteJSON{ID: n.ID, Text: n.Text, Author: noteAuthor{n.CounselorID, n.AuthorName},
		CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339)}
}

func (s *server) apiNotes(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	notes, err := s.store.Notes(c.Request.Context(), currentUser(c).ID, e.LearnerID)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	out := make([]noteJSON, len(notes))
	for i, n := range notes {
		out[i] = toNoteJSON(n)
	}
	c.JSON(http.StatusOK, gin.H{"notes": out})
}

func (s *server) apiAddNote(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	var body struct {
		Text *string `json:"text"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	if body.Text == nil {
		abortFields(c, http.StatusUnprocessableEntity, "invalid note", fieldProblem{"text", "is required"})
		return
	}
	text, problem := checkNote(*body.Text)
	if problem != "" {
		abortFields(c, http.StatusUnprocessableEntity, "invalid note", fieldProblem{"text", problem})
		return
	}
	n, err := s.store.AddNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, text)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toNoteJSON(n))
}

func (s *server) apiSetFlag(c *gin.Context) {
	e, ok := s.caseloadLearner(c)
	if !ok {
		return
	}
	var body struct {
		Flagged *bool `json:"flagged"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	if body.Flagged == nil {
		abortFields(c, http.StatusUnprocessableEntity, "invalid flag", fieldProblem{"flagged", "is required: true or false"})
		return
	}
	if err := s.store.SetFlagged(c.Request.Context(), currentUser(c).ID, e.LearnerID, *body.Flagged); err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": e.LearnerID, "flagged": *body.Flagged})
}

// learnerTrend is the learner's trend chart, drawn by the same code as
// their own /progress page (web/chart.go), from attempts newest first.
func (s *server) learnerTrend(newestFirst []db.Assessment) (chartView, bool) {
	return s.trendOf(s.attemptsOf(newestFirst))
}
