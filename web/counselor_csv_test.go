package web

import "testing"

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
