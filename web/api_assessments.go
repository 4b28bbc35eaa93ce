package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/record"
)

// assessmentAPIStore is what a learner's results in the API use.
type assessmentAPIStore interface {
	CreateAssessment(ctx context.Context, userID int64, r db.NewResult) (db.Assessment, error)
	AssessmentsByUser(ctx context.Context, userID int64, limit, offset int) ([]db.Assessment, error)
	Assessment(ctx context.Context, userID, id int64) (db.Assessment, error)
}

// assessmentAPI serves /api/v1/assessments: a learner's stored results.
type assessmentAPI struct {
	*site
	store  assessmentAPIStore
	review learnerReviewStore
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

func (h *assessmentAPI) apiCreateAssessment(c *gin.Context) {
	sc, ok := h.bindScored(c)
	if !ok {
		return
	}
	a, err := h.store.CreateAssessment(c.Request.Context(), currentUser(c).ID, record.Of(sc.profile, sc.answers, &sc.result))
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	h.metrics.resultStored(ownerLearner)
	writeJSON(c, http.StatusCreated, assessmentJSON(h.localAssessment(c, a)))
}

func (h *assessmentAPI) apiListAssessments(c *gin.Context) {
	limit, offset, ok := pageParams(c, 50)
	if !ok {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_paging"), fieldProblem("page", h.T(c, "api.paging_problem")))
		return
	}
	list, err := h.store.AssessmentsByUser(c.Request.Context(), currentUser(c).ID, limit, offset)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	h.writeAssessmentList(c, list)
}

// localAssessment is a stored result with its texts in the request's
// language. Results are stored with the source language's texts, sent as
// they are; for another language the dimension names and step texts are
// looked up by id and the result written again (ids, numbers and order as
// stored).
func (s *site) localAssessment(c *gin.Context, a db.Assessment) db.Assessment {
	lang := s.langOf(c)
	if lang == assessment.SourceLanguage {
		return a
	}
	r, err := decodeResult(a)
	if err != nil {
		s.log.Error("decode result", "id", a.ID, "err", err)
		return a
	}
	s.localResult(c, &r)
	a.Result = r.AppendJSON(nil)
	return a
}

// writeAssessmentList answers {"assessments":[…]} newest first.
func (s *site) writeAssessmentList(c *gin.Context, list []db.Assessment) {
	for i := range list {
		list[i] = s.localAssessment(c, list[i])
	}
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

func (h *assessmentAPI) apiGetAssessment(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "api.not_found"))
		return
	}
	ctx := c.Request.Context()
	a, err := h.store.Assessment(ctx, currentUser(c).ID, id)
	var body []byte
	if err == nil {
		body, err = h.withLearnerReview(c, a, assessmentJSON(h.localAssessment(c, a)))
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	writeJSON(c, http.StatusOK, body)
}
