package web

import (
	"testing"
	"time"
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
