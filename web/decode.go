package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// bindJSON decodes a JSON request body into v, answering 415 for another
// content type, 413 for a body over the limit, 400 for malformed JSON and
// 422 for text that is not UTF-8.
func (s *site) bindJSON(c *gin.Context, v any) bool {
	return s.withJSONBody(c, func(body []byte) bool {
		if e := decodeJSON(body, v); e != nil {
			s.abortBody(c, e)
			return false
		}
		return true
	})
}

// withJSONBody reads a JSON request body and hands it to use, which reports
// whether the request may go on. It answers 415 for another content type or
// none,
// 413 for a body over the limit and 400 for one it cannot read. The body is
// a pooled buffer, valid only during use.
func (s *site) withJSONBody(c *gin.Context, use func(body []byte) bool) bool {
	// A body without a Content-Type is refused too: a browser form can
	// send one cross-site, and the API documents JSON only.
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		apiFail(c, http.StatusUnsupportedMediaType, s.T(c, "api.want_json"))
		return false
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
			apiFail(c, http.StatusRequestEntityTooLarge, s.T(c, "api.too_large"))
		} else {
			apiFail(c, http.StatusBadRequest, s.T(c, "api.unreadable_body"))
		}
		return false
	}
	return use(body)
}

func (s *site) abortBody(c *gin.Context, e *bodyError) {
	if e.status == http.StatusUnprocessableEntity {
		apiFail(c, e.status, s.T(c, "body.invalid_text"), fieldProblem("body", s.T(c, "body.not_utf8")))
	} else {
		apiFail(c, e.status, s.bodyMessage(c, e))
	}
}

// bodyMessage is a bodyError's message in the request's language. What
// the JSON library says of a syntax error ("invalid character…") stays
// as it wrote it, inside the translated sentence.
func (s *site) bodyMessage(c *gin.Context, e *bodyError) string {
	detail, ok := strings.CutPrefix(e.msg, malformed)
	if !ok {
		return e.msg
	}
	if key, ok := bodyDetails[detail]; ok {
		detail = s.T(c, key)
	} else if m := wrongTypeRe.FindStringSubmatch(detail); m != nil {
		detail = s.T(c, "body.wrong_type", "Field", m[1])
	} else if m := repeatedRe.FindStringSubmatch(detail); m != nil {
		detail = s.T(c, "body.repeated", "Name", m[1])
		if m[2] != "" {
			detail = s.T(c, "body.repeated_in", "Name", m[1], "In", m[2])
		}
	} else if m := atByteRe.FindStringSubmatch(detail); m != nil {
		detail = s.T(c, "body.at_byte", "Detail", m[1], "Offset", m[2])
		if m[3] != "" {
			detail = s.T(c, "body.at_byte_in", "Detail", m[1], "Offset", m[2], "In", m[3])
		}
	}
	return s.T(c, "body.malformed", "Detail", detail)
}

// malformed starts the message of a body that is not the JSON expected.
const malformed = "malformed JSON: "

// bodyDetails are the fixed details of bodyErrorOf, by catalog key.
var bodyDetails = map[string]string{
	"empty body":                                                "body.empty",
	"the body ends before the JSON does":                        "body.truncated",
	"the body is not the expected JSON object":                  "body.not_object",
	"field profile must be a string, the id of a profile":       "body.want_profile",
	"field answers must be an object of answers by question id": "body.want_answers",
}

var (
	wrongTypeRe = regexp.MustCompile(`^field (.+) has the wrong type$`)
	repeatedRe  = regexp.MustCompile(`^("(?:[^"\\]|\\.)*") is given more than once(?: in (.+))?$`)
	atByteRe    = regexp.MustCompile(`^(.+) at byte (\d+)(?: in (/.*))?$`)
)

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

// decodeJSON decodes one JSON value, and nothing after it, into v, with
// JSON v2's rules: names match exactly, and text that is not UTF-8 is
// refused (encoding/json would have quietly turned it into U+FFFD, storing
// something other than what was sent).
func decodeJSON(body []byte, v any) *bodyError {
	if err := json.Unmarshal(body, v, laterNameWins); err != nil {
		return bodyErrorOf(body, err)
	}
	return nil
}

// laterNameWins lets an object give a name twice, the later value winning
// (as encoding/json did). JSON v2 refuses it by default, but keeps the names
// of every open object to do so, which makes refusing a body nested ten
// thousand levels deep cost twenty thousand allocations instead of a few.
var laterNameWins = jsontext.AllowDuplicateNames(true)

// bodyErrorOf says what is wrong with a body in words a client can act on.
func bodyErrorOf(body []byte, err error) *bodyError {
	bad := func(msg string) *bodyError { return &bodyError{http.StatusBadRequest, malformed + msg} }
	var wrongType *assessment.WrongTypeError
	if errors.As(err, &wrongType) {
		return bad(wrongType.Error())
	}
	var syntax *jsontext.SyntacticError
	if errors.As(err, &syntax) {
		// JSON text is UTF-8 (RFC 8259): other bytes are a 422 for the body.
		if !utf8.Valid(body) {
			return &bodyError{http.StatusUnprocessableEntity, "must be UTF-8 text"}
		}
		where := " at byte " + strconv.FormatInt(syntax.ByteOffset, 10)
		switch {
		case errors.Is(syntax.Err, io.ErrUnexpectedEOF) && len(bytes.TrimSpace(body)) == 0:
			return bad("empty body")
		case errors.Is(syntax.Err, io.ErrUnexpectedEOF):
			return bad("the body ends before the JSON does")
		case errors.Is(syntax.Err, jsontext.ErrDuplicateName):
			in := ""
			if parent := syntax.JSONPointer.Parent(); parent != "" {
				in = " in " + string(parent)
			}
			return bad(strconv.Quote(syntax.JSONPointer.LastToken()) + " is given more than once" + in)
		case syntax.JSONPointer != "" && len(syntax.JSONPointer) <= 64: // a deep one says nothing more
			where += " in " + string(syntax.JSONPointer)
		}
		return bad(syntax.Err.Error() + where)
	}
	var semantic *json.SemanticError
	if errors.As(err, &semantic) && semantic.JSONPointer != "" {
		return bad("field " + strings.TrimPrefix(string(semantic.JSONPointer), "/") + " has the wrong type")
	}
	return bad("the body is not the expected JSON object")
}

// scoreBody decodes, validates and scores a submission body. Each answer
// is read straight into its question's slot of the profile the body names.
func (s *site) scoreBody(body []byte) (scored, []assessment.Problem, *bodyError) {
	sub := assessment.Submission{Profiles: s.profiles, Default: s.profile.ID}
	if e := decodeJSON(body, &sub); e != nil {
		return scored{}, nil, e
	}
	p, answers, problems := sub.Validate()
	if len(problems) > 0 {
		return scored{}, problems, nil
	}
	return scored{profile: p, answers: answers, result: scoring.Score(p, answers)}, nil, nil
}

// bindScored decodes, validates and scores a submission body, answering the
// request itself (400, 413, 415 or 422) when it cannot.
func (s *site) bindScored(c *gin.Context) (sc scored, ok bool) {
	var problems []assessment.Problem
	ok = s.withJSONBody(c, func(body []byte) bool {
		var e *bodyError
		if sc, problems, e = s.scoreBody(body); e != nil {
			s.abortBody(c, e)
			return false
		}
		return true
	})
	if !ok {
		return scored{}, false
	}
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, s.T(c, "api.invalid_answers"), s.answerProblems(c, problems)...)
		return scored{}, false
	}
	return sc, true
}

// resultBufs holds buffers for encoding results that are only sent, not
// stored: the score API's garbage was mostly its 8 KB result buffer.
var resultBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 8192)
	return &b
}}

// maxPooledBuf keeps an unusually large buffer out of the pools.
const maxPooledBuf = 64 << 10

// bindText reads a {"text": …} body and checks the text with check,
// answering 400 or 422 itself (under the catalog's errorKey, the problem
// named "text") when it cannot.
func (s *site) bindText(c *gin.Context, errorKey string, check func(*i18n.Printer, string) (string, string)) (string, bool) {
	var body struct {
		Text *string `json:"text"`
	}
	if !s.bindJSON(c, &body) {
		return "", false
	}
	if body.Text == nil {
		apiFail(c, http.StatusUnprocessableEntity, s.T(c, errorKey), fieldProblem("text", s.T(c, "problem.required")))
		return "", false
	}
	text, problem := check(s.printer(c), *body.Text)
	if problem != "" {
		apiFail(c, http.StatusUnprocessableEntity, s.T(c, errorKey), fieldProblem("text", problem))
		return "", false
	}
	return text, true
}
