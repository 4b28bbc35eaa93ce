package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
)

func TestCSVText_FormulaLeadsAndLookAlikes(t *testing.T) {
	quoted := []string{"=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "＝1+1", "＋1", "－2", "＠SUM(A1)",
		"﹦1", "﹢1", "﹣1", "﹫x", " =1+1", "\u3000＝1", "  -x"}
	for _, s := range quoted {
		if got := csvText(s); got != "'"+s {
			t.Errorf("csvText(%q) = %q, want a leading apostrophe", s, got)
		}
	}
	plain := []string{"", "Zoë", "Émile", "李雷", "O'Brien", "Anne-Marie", "a=b", "x@example.org", "Ｚｏｅ", "１２", "−2", " ", "Ann+Bob", "'quoted"}
	for _, s := range plain {
		if got := csvText(s); got != s {
			t.Errorf("csvText(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestCSVFilename_NamedAfterItsFilters(t *testing.T) {
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		p    caseloadParams
		want string
	}{
		{caseloadParams{}, "caseload-2026-03-02.csv"},
		{caseloadParams{Band: "ready", Flagged: true}, "caseload-band-ready-flagged-2026-03-02.csv"},
		{caseloadParams{Q: "Élodie Müller", Group: "Class of 2027", Attention: true}, "caseload-search-elodie-muller-group-class-of-2027-needs-attention-2026-03-02.csv"},
		{caseloadParams{Q: `"; rm -rf /`}, "caseload-search-rm-rf-2026-03-02.csv"},
		{caseloadParams{Q: "李雷"}, "caseload-2026-03-02.csv"},
	}
	for _, c := range cases {
		if got := c.p.csvFilename(day); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}

// fakeExportStore hands two learners to an export, then answers err.
type fakeExportStore struct {
	caseloadStore // only ExportCaseload is called
	err           error
}

func (f *fakeExportStore) ExportCaseload(_ context.Context, _ int64, _ db.CaseloadQuery, what string, fn func(db.CaseloadEntry) error) error {
	for _, name := range []string{"Ann Able", "Bob Baker"} {
		if err := fn(db.CaseloadEntry{Name: name, NeedsAttention: []string{}}); err != nil {
			return err
		}
	}
	if what != db.ActionResultsCSV {
		return fmt.Errorf("recorded as %q", what)
	}
	return f.err
}

// The file is sent only when the record of access is written: a record
// that fails sends none of the rows already read.
func TestCaseloadCSV_NothingSentWithoutTheRecordOfAccess(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
	}{
		{nil, http.StatusOK},
		{fmt.Errorf("record caseload access: %w", db.ErrUnavailable), http.StatusServiceUnavailable},
		{errors.New("disk on fire"), http.StatusInternalServerError},
	} {
		s, _ := testSite(t)
		h := &caseloadHandlers{site: s, store: &fakeExportStore{err: c.err}}
		r := testEngine(&db.User{ID: 2, Name: "Coach", Role: "counselor"})
		r.GET("/counselor/caseload.csv", h.caseloadCSV)
		r.GET("/api/v1/learners.csv", h.caseloadCSV)
		for _, path := range []string{"/counselor/caseload.csv", "/api/v1/learners.csv"} {
			w := serveTest(t, r, "GET", path, "", "")
			sent := strings.Contains(w.Body.String(), "Ann Able")
			if w.Code != c.status || sent != (c.err == nil) {
				t.Errorf("%s with the record answering %v: status %d, rows sent %v; want %d, %v", path, c.err, w.Code, sent, c.status, c.err == nil)
			}
			if c.err == nil && (w.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(w.Header().Get("Content-Disposition"), `attachment; filename="caseload-`) ||
				strings.Count(w.Body.String(), "\r\n") != 3) {
				t.Errorf("%s: %v\n%q", path, w.Header(), w.Body)
			}
		}
	}
}
