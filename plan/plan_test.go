package plan_test

import (
	"strings"
	"testing"

	"github.com/readiness/readiness/plan"
)

func TestValidStatus(t *testing.T) {
	for _, s := range plan.Statuses {
		if !plan.ValidStatus(s) {
			t.Errorf("ValidStatus(%q) = false", s)
		}
	}
	for _, s := range []string{"", "Done", "in progress", "in_progress", "finished", " done"} {
		if plan.ValidStatus(s) {
			t.Errorf("ValidStatus(%q) = true", s)
		}
	}
}

func TestCheckEvidence(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{"", "", ""},
		{"  Security+ certificate 12345  ", "Security+ certificate 12345", ""},
		{"Course: Web security\nCity College", "Course: Web security\nCity College", ""},
		{strings.Repeat("é", plan.MaxEvidence), strings.Repeat("é", plan.MaxEvidence), ""},
		{strings.Repeat("a", plan.MaxEvidence+1), strings.Repeat("a", plan.MaxEvidence+1), "must be at most 500 characters (this one has 501)"},
		{"bad\x00byte", "bad\x00byte", "must be plain text"},
		{"bell\a", "bell\a", "must be plain text"},
		{"\xff\xfe", "\xff\xfe", "must be plain text"},
	}
	for _, tt := range tests {
		got, problem := plan.CheckEvidence(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("CheckEvidence(%.20q) = %.20q, %q; want %.20q, %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

func TestRecommendationID(t *testing.T) {
	tests := []struct {
		step string
		id   int64
		ok   bool
	}{
		{"rec-42", 42, true},
		{"rec-1", 1, true},
		{plan.RecommendationStep(9001), 9001, true},
		{"security-training", 0, false},
		{"rec-", 0, false},
		{"rec-0", 0, false},
		{"rec-042", 0, false},
		{"rec-+4", 0, false},
		{"rec--4", 0, false},
		{"rec-4a", 0, false},
		{"REC-4", 0, false},
		{"rec-99999999999999999999", 0, false},
		{"recommended-reading", 0, false},
	}
	for _, tt := range tests {
		id, ok := plan.RecommendationID(tt.step)
		if id != tt.id || ok != tt.ok {
			t.Errorf("RecommendationID(%q) = %d, %v; want %d, %v", tt.step, id, ok, tt.id, tt.ok)
		}
	}
}
