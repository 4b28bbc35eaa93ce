package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/internal/jsonscan"
	"github.com/readiness/readiness/scoring"
)

// bindJSON decodes a JSON request body into v, answering 415 for another
// content type, 413 for a body over the limit, 400 for malformed JSON and
// 422 for text that is not UTF-8.
func (s *server) bindJSON(c *gin.Context, v any) bool {
	return s.withJSONBody(c, func(body []byte) bool {
		if e := decodeJSON(body, v, true); e != nil {
			abortBody(c, e)
			return false
		}
		return true
	})
}

// withJSONBody reads a JSON request body and hands it to use, which reports
// whether the request may go on. It answers 415 for another content type,
// 413 for a body over the limit and 400 for one it cannot read. The body is
// a pooled buffer, valid only during use.
func (s *server) withJSONBody(c *gin.Context, use func(body []byte) bool) bool {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			abortJSON(c, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return false
		}
	}
	bp := bodyBufs.Get().(*[]byte)
	body, err := readBody(c.Request.Body, (*bp)[:0])
	defer func() {
		// Decoders copy what they keep, so the buffer is free again.
		if cap(body) <= maxPooledBuf {
			*bp = body[:0]
			bodyBufs.Put(bp)
		}
	}()
	if err != nil {
		if isTooLarge(err) {
			abortJSON(c, http.StatusRequestEntityTooLarge, "request body too large")
		} else {
			abortJSON(c, http.StatusBadRequest, "could not read the request body")
		}
		return false
	}
	return use(body)
}

func abortBody(c *gin.Context, e *bodyError) {
	if e.status == http.StatusUnprocessableEntity {
		abortFields(c, e.status, "invalid text", fieldProblem{"body", e.msg})
	} else {
		abortJSON(c, e.status, e.msg)
	}
}

// bodyBufs holds buffers for reading JSON request bodies.
var bodyBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// readBody appends all of r to b, as io.ReadAll does into a fresh slice.
func readBody(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// bodyError is why a body could not be decoded: 400 for malformed JSON, 422
// (for the body field) for text that is not UTF-8.
type bodyError struct {
	status int
	msg    string
}

// decodeJSON decodes one JSON value, and nothing after it, into v. With fast
// set, the usual body (well-formed UTF-8 JSON for a type that decodes
// itself) goes straight to its decoder, skipping encoding/json's own passes
// over it; anything else takes the standard path, whose errors say what is
// wrong. Both paths give the same result (a test and a fuzzer hold them
// together).
func decodeJSON(body []byte, v any, fast bool) *bodyError {
	if u, ok := v.(json.Unmarshaler); ok && fast && jsonscan.Valid(body) {
		if err := u.UnmarshalJSON(body); err != nil {
			return &bodyError{http.StatusBadRequest, "malformed JSON: " + jsonErrorText(err)}
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &bodyError{http.StatusBadRequest, "malformed JSON: " + jsonErrorText(err)}
	}
	// dec.More is false for a trailing ] or }, so look at the bytes: only
	// JSON whitespace may follow the one value.
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) > 0 {
		return &bodyError{http.StatusBadRequest, "malformed JSON: unexpected data after the object"}
	}
	// JSON text is UTF-8 (RFC 8259): a string holding other bytes is a 422.
	// encoding/json would quietly turn them into U+FFFD, storing something
	// other than what was sent.
	if !utf8.Valid(body) {
		return &bodyError{http.StatusUnprocessableEntity, "must be UTF-8 text"}
	}
	return nil
}

func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return "field " + te.Field + " has the wrong type"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	}
	if errors.Is(err, io.EOF) {
		return "empty body"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the body ends before the JSON does"
	}
	return "the body is not the expected JSON object"
}

// scored is a validated, scored submission ready to show or store.
type scored struct {
	profile *assessment.Profile
	answers assessment.Answers
	result  scoring.Result
}

// scoreSubmission validates and scores a submission, returning every problem.
func (s *server) scoreSubmission(sub assessment.Submission) (scored, []assessment.Problem) {
	return s.scoreWith(sub.Profile, func(p *assessment.Profile) (assessment.Answers, []assessment.Problem) {
		return p.Parse(sub.Answers)
	})
}

// scoreWith looks up the profile (the default when id is empty), validates
// the answers with parse and scores them.
func (s *server) scoreWith(id string, parse func(*assessment.Profile) (assessment.Answers, []assessment.Problem)) (scored, []assessment.Problem) {
	if id == "" {
		id = s.profile.ID
	}
	p, ok := s.profiles.Lookup(id)
	if !ok {
		return scored{}, []assessment.Problem{{Question: "profile", Problem: "is not a known profile"}}
	}
	answers, problems := parse(p)
	if len(problems) > 0 {
		return scored{}, problems
	}
	return scored{profile: p, answers: answers, result: scoring.Score(p, answers)}, nil
}

// scoreBody decodes, validates and scores a submission body. With fast
// set, the usual body (valid UTF-8 JSON with plain field names) is read
// straight into the profile's questions, skipping the answers map; any
// other body is decoded into a Submission first. Both paths give the same
// result, problems and errors (a test and a fuzzer hold them together).
func (s *server) scoreBody(body []byte, fast bool) (scored, []assessment.Problem, *bodyError) {
	if fast && jsonscan.Valid(body) {
		if profile, answers, ok := assessment.SplitSubmission(body); ok {
			sc, problems := s.scoreWith(profile, func(p *assessment.Profile) (assessment.Answers, []assessment.Problem) {
				return p.ParseJSON(answers)
			})
			return sc, problems, nil
		}
	}
	var sub assessment.Submission
	if e := decodeJSON(body, &sub, fast); e != nil {
		return scored{}, nil, e
	}
	sc, problems := s.scoreSubmission(sub)
	return sc, problems, nil
}

// newResult is the row stored for a scored submission.
func (sc scored) newResult() db.NewResult {
	answers := sc.answers.AppendJSON(make([]byte, 0, 1024))
	result := sc.result.AppendJSON(make([]byte, 0, 8192))
	met := true
	for _, r := range sc.result.Requirements {
		met = met && r.Met
	}
	top := ""
	if len(sc.result.Steps) > 0 && !sc.result.Steps[0].AlsoConsider() {
		top = sc.result.Steps[0].ID
	}
	dims := make([]db.DimensionScore, len(sc.result.Dimensions))
	for i, d := range sc.result.Dimensions {
		dims[i] = db.DimensionScore{ID: d.ID, Score: d.Score}
	}
	return db.NewResult{
		ProfileID: sc.profile.ID, ProfileVersion: sc.profile.Version,
		Answers: answers, Result: result,
		Overall: sc.result.Overall, Band: sc.result.Band, BachelorMet: met, TopStep: top,
		Dimensions: dims,
	}
}

// writeJSON sends an encoded JSON body with its length, so the response
// goes out in one piece rather than chunked.
func writeJSON(c *gin.Context, status int, body []byte) {
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(status, "application/json; charset=utf-8", body)
}

// assessmentJSON is a stored result as the API shows it: the result object
// with its id, time and answers added. The stored JSON is spliced in as it
// was scored, so it reads the same after the profile changes.
func assessmentJSON(a db.Assessment) json.RawMessage {
	var buf bytes.Buffer
	buf.Grow(len(a.Result) + len(a.Answers) + 64)
	buf.WriteString(`{"id":`)
	buf.WriteString(strconv.FormatInt(a.ID, 10))
	buf.WriteString(`,"created_at":"`)
	buf.WriteString(a.CreatedAt.UTC().Format(time.RFC3339))
	buf.WriteString(`","answers":`)
	if len(a.Answers) == 0 {
		buf.WriteString("{}")
	} else {
		buf.Write(a.Answers)
	}
	if r := bytes.TrimSpace(a.Result); len(r) > 2 {
		buf.WriteByte(',')
		buf.Write(r[1:])
	} else {
		buf.WriteByte('}')
	}
	return buf.Bytes()
}

func (s *server) apiProfile(c *gin.Context) {
	p, ok := s.profiles.Lookup(c.Param("id"))
	if !ok {
		abortJSON(c, http.StatusNotFound, "no such profile")
		return
	}
	c.JSON(http.StatusOK, profileResponse(p))
}

// profileResponse is the profile with each rating and years question's
// scale written out as its options, so a client needs nothing else.
func profileResponse(p *assessment.Profile) gin.H {
	qs := make([]assessment.Question, len(p.Questions))
	for i := range p.Questions {
		qs[i] = p.Questions[i]
		qs[i].Options = p.OptionsOf(&p.Questions[i])
	}
	return gin.H{
		"id": p.ID, "version": p.Version, "title": p.Title, "summary": p.Summary,
		"dimensions": p.Dimensions, "scales": p.Scales, "questions": qs,
		"requirements": p.Requirements, "bands": p.Bands, "steps": p.Steps, "context": p.Context,
	}
}

// bindScored decodes, validates and scores a submission body, answering the
// request itself (400, 413, 415 or 422) when it cannot.
func (s *server) bindScored(c *gin.Context) (sc scored, ok bool) {
	var problems []assessment.Problem
	ok = s.withJSONBody(c, func(body []byte) bool {
		var e *bodyError
		if sc, problems, e = s.scoreBody(body, true); e != nil {
			abortBody(c, e)
			return false
		}
		return true
	})
	if !ok {
		return scored{}, false
	}
	if len(problems) > 0 {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, apiError{Error: "invalid answers", Problems: problems})
		return scored{}, false
	}
	return sc, true
}

func (s *server) apiScore(c *gin.Context) {
	sc, ok := s.bindScored(c)
	if !ok {
		return
	}
	bp := resultBufs.Get().(*[]byte)
	body := sc.result.AppendJSON((*bp)[:0])
	writeJSON(c, http.StatusOK, body) // written out before it returns
	if cap(body) <= maxPooledBuf {
		*bp = body[:0]
		resultBufs.Put(bp)
	}
}

// resultBufs holds buffers for encoding results that are only sent, not
// stored: the score API's garbage was mostly its 8 KB result buffer.
var resultBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 8192)
	return &b
}}

// maxPooledBuf keeps an unusually large buffer out of the pools.
const maxPooledBuf = 64 << 10

func (s *server) apiCreateAssessment(c *gin.Context) {
	sc, ok := s.bindScored(c)
	if !ok {
		return
	}
	a, err := s.store.CreateAssessment(c.Request.Context(), currentUser(c).ID, sc.newResult())
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	writeJSON(c, http.StatusCreated, assessmentJSON(a))
}

// pageParams reads ?page= (from 1) and ?limit= (1–100, default def).
func pageParams(c *gin.Context, def int) (limit, offset int, ok bool) {
	page, limit := 1, def
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return 0, 0, false
		}
		page = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, false
		}
		limit = n
	}
	return limit, (page - 1) * limit, true
}

func (s *server) apiListAssessments(c *gin.Context) {
	limit, offset, ok := pageParams(c, 50)
	if !ok {
		abortFields(c, http.StatusUnprocessableEntity, "invalid paging", fieldProblem{"page", "page must be a whole number from 1; limit from 1 to 100"})
		return
	}
	list, err := s.store.AssessmentsByUser(c.Request.Context(), currentUser(c).ID, limit, offset)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	writeAssessmentList(c, list)
}

// writeAssessmentList answers {"assessments":[…]} newest first.
func writeAssessmentList(c *gin.Context, list []db.Assessment) {
	var buf bytes.Buffer
	buf.WriteString(`{"assessments":[`)
	for i, a := range list {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(assessmentJSON(a))
	}
	buf.WriteString("]}")
	writeJSON(c, http.StatusOK, buf.Bytes())
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func (s *server) apiGetAssessment(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		abortJSON(c, http.StatusNotFound, "not found")
		return
	}
	a, err := s.store.Assessment(c.Request.Context(), currentUser(c).ID, id)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, assessmentJSON(a))
}

// meResponse is the user as the API shows them: no hash, and a share code
// only for a counselor.
type meResponse struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	ShareCode string `json:"share_code,omitempty"`
}

func (s *server) meResponse(u *db.User) meResponse {
	m := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
	if u.Role == "counselor" {
		m.ShareCode = u.ShareCode
	}
	return m
}

func (s *server) apiMe(c *gin.Context) { c.JSON(http.StatusOK, s.meResponse(currentUser(c))) }

func (s *server) apiExport(c *gin.Context) {
	exp, err := s.store.ExportUser(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, exp)
}

func (s *server) apiDeleteMe(c *gin.Context) {
	var body struct {
		Password string `json:"password"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	u := currentUser(c)
	if !passwordMatches(u, body.Password) {
		abortFields(c, http.StatusUnprocessableEntity, "password does not match", fieldProblem{"password", "is not your current password"})
		return
	}
	if err := s.store.DeleteUser(c.Request.Context(), u.ID); err != nil {
		s.abortStoreError(c, err)
		return
	}
	s.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}

func (s *server) apiShare(c *gin.Context) {
	var body struct {
		ShareCode string `json:"share_code"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	co, err := s.store.ShareWith(c.Request.Context(), currentUser(c).ID, body.ShareCode)
	if errors.Is(err, db.ErrInvalidShareCode) {
		abortFields(c, http.StatusUnprocessableEntity, "invalid share code", fieldProblem{"share_code", "does not match any counselor; check it with your counselor"})
		return
	}
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, counselorJSON(co))
}

func (s *server) apiCounselors(c *gin.Context) {
	cs, err := s.store.CounselorsOf(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	out := make([]gin.H, 0, len(cs))
	for _, co := range cs {
		out = append(out, counselorJSON(co))
	}
	c.JSON(http.StatusOK, gin.H{"counselors": out})
}

func counselorJSON(co db.Counselor) gin.H {
	return gin.H{"id": co.ID, "name": co.Name, "email": co.Email, "since": co.Since.UTC().Format(time.RFC3339)}
}

func (s *server) apiUnshare(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		abortJSON(c, http.StatusNotFound, "not found")
		return
	}
	if err := s.store.Unshare(c.Request.Context(), currentUser(c).ID, id); err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
