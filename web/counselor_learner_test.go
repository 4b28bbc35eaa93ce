package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
)

// fakeLearnerStore answers every question about a learner with err, and
// records the notes and flags it is asked to write.
type fakeLearnerStore struct {
	err       error
	notes     []string
	flagged   []bool
	accessErr error    // what RecordAccess answers
	access    []string // what it was asked to record
	listed    int      // how many times results were read
}

func (f *fakeLearnerStore) CaseloadLearner(_ context.Context, _, learnerID int64, _ time.Time) (db.CaseloadEntry, error) {
	if f.err != nil {
		return db.CaseloadEntry{}, f.err
	}
	return db.CaseloadEntry{LearnerID: learnerID, Name: "Lena"}, nil
}

func (f *fakeLearnerStore) AssessmentsByUser(context.Context, int64, int, int) ([]db.Assessment, error) {
	f.listed++
	return nil, f.err
}

func (f *fakeLearnerStore) RecordAccess(_ context.Context, actorID, learnerID int64, what string) error {
	f.access = append(f.access, fmt.Sprintf("%d opened %d: %s", actorID, learnerID, what))
	return f.accessErr
}

func (f *fakeLearnerStore) Notes(context.Context, int64, int64) ([]db.Note, error) { return nil, f.err }

func (f *fakeLearnerStore) PlanItems(context.Context, int64) ([]db.PlanItem, error) {
	return nil, f.err
}

func (f *fakeLearnerStore) AddNote(_ context.Context, counselorID, learnerID int64, text string) (db.Note, error) {
	f.notes = append(f.notes, text)
	return db.Note{ID: 1, CounselorID: counselorID, LearnerID: learnerID, Text: text}, nil
}

func (f *fakeLearnerStore) RecommendationsBy(context.Context, int64, int64) ([]db.Recommendation, error) {
	return nil, f.err
}

func (f *fakeLearnerStore) FeedbackBy(context.Context, int64, int64) ([]db.Feedback, error) {
	return nil, f.err
}

func (f *fakeLearnerStore) Verifications(context.Context, int64) (map[int64]db.Verification, error) {
	return nil, f.err
}

func (f *fakeLearnerStore) SetFlagged(_ context.Context, _, _ int64, flagged bool) error {
	f.flagged = append(f.flagged, flagged)
	return nil
}

// learnerTest serves learnerHandlers' routes to a counselor over store.
func learnerTest(t *testing.T, store *fakeLearnerStore) (http.Handler, *bytes.Buffer) {
	t.Helper()
	s, logs := testSite(t)
	h := &learnerHandlers{site: s, store: store, review: store}
	r := testEngine(&db.User{ID: 2, Name: "Coach", Role: "counselor"})
	r.GET("/counselor/learners/:id", h.learnerPage)
	r.GET("/api/v1/learners/:id/assessments", h.apiLearnerAssessments)
	r.POST("/counselor/learners/:id/notes", h.noteSubmit)
	r.GET("/api/v1/learners/:id/notes", h.apiNotes)
	r.POST("/api/v1/learners/:id/notes", h.apiAddNote)
	r.PUT("/api/v1/learners/:id/flag", h.apiSetFlag)
	r.GET("/api/v1/learners/:id/plan", h.apiLearnerPlan)
	return r, logs
}

func TestLearnerHandlers_NotOnCaseloadIs404(t *testing.T) {
	store := &fakeLearnerStore{err: fmt.Errorf("caseload learner: %w", db.ErrNotFound)}
	h, _ := learnerTest(t, store)

	w := serveTest(t, h, "GET", "/counselor/learners/7", "", "")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "There is no learner here who shares results with you.") {
		t.Errorf("page: status %d; want 404 with the not-on-caseload message; %.300s", w.Code, w.Body)
	}
	for _, req := range [][3]string{
		{"GET", "/api/v1/learners/7/notes", ""},
		{"POST", "/api/v1/learners/7/notes", `{"text":"hello"}`},
		{"PUT", "/api/v1/learners/7/flag", `{"flagged":true}`},
		{"GET", "/api/v1/learners/7/plan", ""},
	} {
		w := serveTest(t, h, req[0], req[1], "application/json", req[2])
		var e apiError
		if w.Code != http.StatusNotFound || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error != enPrinter(t).T(notFoundLearner) {
			t.Errorf("%s %s: status %d %s; want 404 with the not-on-caseload error", req[0], req[1], w.Code, w.Body)
		}
	}
	if len(store.notes) != 0 || len(store.flagged) != 0 {
		t.Errorf("wrote about a learner not on the caseload: notes %q, flags %v", store.notes, store.flagged)
	}
	// An id that is not a number is the same 404, without asking the store.
	if w := serveTest(t, h, "GET", "/counselor/learners/abc", "", ""); w.Code != http.StatusNotFound {
		t.Errorf("bad id: status %d, want 404", w.Code)
	}
}

func TestLearnerHandlers_StoreErrors(t *testing.T) {
	cases := []struct {
		err    error
		status int
		page   string // on the page
		api    string // in the API's error
	}{
		{fmt.Errorf("caseload learner: %w", db.ErrUnavailable), http.StatusServiceUnavailable,
			"its database cannot be written", "its database cannot be written"},
		{errors.New("connection reset"), http.StatusInternalServerError,
			"Something went wrong on our side", "internal error"},
	}
	for _, tc := range cases {
		h, logs := learnerTest(t, &fakeLearnerStore{err: tc.err})
		w := serveTest(t, h, "GET", "/counselor/learners/7", "", "")
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.page) {
			t.Errorf("page, %v: status %d; want %d saying %q; %.300s", tc.err, w.Code, tc.status, tc.page, w.Body)
		}
		w = serveTest(t, h, "GET", "/api/v1/learners/7/notes", "", "")
		var e apiError
		if w.Code != tc.status || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, tc.api) {
			t.Errorf("API, %v: status %d %s; want %d saying %q", tc.err, w.Code, w.Body, tc.status, tc.api)
		}
		// Both answers are logged with the cause; the responses carry none of it.
		if n := strings.Count(logs.String(), tc.err.Error()); n != 2 {
			t.Errorf("%v: logged %d times, want 2:\n%s", tc.err, n, logs)
		}
		if strings.Contains(w.Body.String(), tc.err.Error()) {
			t.Errorf("%v: the API answer shows the cause: %s", tc.err, w.Body)
		}
	}
}

func TestLearnerHandlers_NoRecordOfAccessNoResults(t *testing.T) {
	store := &fakeLearnerStore{}
	h, _ := learnerTest(t, store)
	if w := serveTest(t, h, "GET", "/counselor/learners/7", "", ""); w.Code != http.StatusOK {
		t.Fatalf("page: status %d", w.Code)
	}
	if w := serveTest(t, h, "GET", "/api/v1/learners/7/assessments", "", ""); w.Code != http.StatusOK {
		t.Fatalf("API: status %d %s", w.Code, w.Body)
	}
	want := []string{"2 opened 7: " + db.ActionResultsPage, "2 opened 7: " + db.ActionResultsAPI}
	if fmt.Sprint(store.access) != fmt.Sprint(want) || store.listed != 2 {
		t.Errorf("recorded %q and read results %d times; want %q and 2", store.access, store.listed, want)
	}
	// A record that cannot be written: nothing is shown.
	store = &fakeLearnerStore{accessErr: fmt.Errorf("record access: %w", db.ErrUnavailable)}
	h, _ = learnerTest(t, store)
	if w := serveTest(t, h, "GET", "/counselor/learners/7", "", ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("page without a record: status %d, want 503", w.Code)
	}
	if w := serveTest(t, h, "GET", "/api/v1/learners/7/assessments", "", ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("API without a record: status %d, want 503", w.Code)
	}
	if store.listed != 0 {
		t.Errorf("results were read %d times without a record of access", store.listed)
	}
}
