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
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/internal/jsonscan"
)

// bindJSON decodes a JSON request body into v, answering 415 for another
// content type, 413 for a body over the limit, 400 for malformed JSON and
// 422 for text that is not UTF-8.
func (s *site) bindJSON(c *gin.Context, v any) bool {
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
func (s *site) withJSONBody(c *gin.Context, use func(body []byte) bool) bool {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			apiFail(c, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
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
			apiFail(c, http.StatusRequestEntityTooLarge, "request body too large")
		} else {
			apiFail(c, http.StatusBadRequest, "could not read the request body")
		}
		return false
	}
	return use(body)
}

func abortBody(c *gin.Context, e *bodyError) {
	if e.status == http.StatusUnprocessableEntity {
		apiFail(c, e.status, "invalid text", fieldProblem("body", e.msg))
	} else {
		apiFail(c, e.status, e.msg)
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

// scoreBody decodes, validates and scores a submission body. With fast
// set, the usual body (valid UTF-8 JSON with plain field names) is read
// straight into the profile's questions, skipping the answers map; any
// other body is decoded into a Submission first. Both paths give the same
// result, problems and errors (a test and a fuzzer hold them together).
func (s *site) scoreBody(body []byte, fast bool) (scored, []assessment.Problem, *bodyError) {
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

// bindScored decodes, validates and scores a submission body, answering the
// request itself (400, 413, 415 or 422) when it cannot.
func (s *site) bindScored(c *gin.Context) (sc scored, ok bool) {
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
		apiFail(c, http.StatusUnprocessableEntity, "invalid answers", answerProblems(problems)...)
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
