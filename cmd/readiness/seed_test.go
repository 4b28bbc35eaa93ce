package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
)

func TestRun_SeedDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	code := run([]string{"seed-demo", "--db", path, "--learners", "1500", "--assessments-per", "3", "--counselor-email", "Coach@Example.org"}, noEnv,
		strings.NewReader("a demo password\n"), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !regexp.MustCompile(`(?m)^learners 1000/1500, 3000 assessments, \d+s$`).MatchString(out.String()) ||
		!strings.Contains(out.String(), "learners 1500/1500, 4500 assessments") {
		t.Errorf("progress output:\n%s", out.String())
	}
	if strings.Contains(out.String(), "a demo password") {
		t.Error("a password given on stdin is echoed")
	}

	s, err := db.Open(path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c, err := s.UserByEmail(ctx, "coach@example.org")
	if err != nil || c.Role != db.RoleCounselor {
		t.Fatalf("counselor: %+v, %v", c, err)
	}
	if n, _ := s.CountCaseload(ctx, c.ID, db.CaseloadQuery{}); n != 1500 {
		t.Errorf("caseload %d, want 1500", n)
	}
	all, err := s.Caseload(ctx, c.ID, db.CaseloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var sumDelta float64
	bands := map[string]int{}
	for _, e := range all {
		if e.Attempts != 3 || e.Delta == nil || e.LastActivityAt == nil || e.LastActivityAt.After(time.Now()) ||
			e.LastActivityAt.Before(time.Now().AddDate(-1, 0, -1)) {
			t.Fatalf("learner %+v", e)
		}
		sumDelta += *e.Delta
		bands[*e.LatestBand]++
	}
	// Plausible: people improve on average, and every band is represented.
	if sumDelta <= 0 {
		t.Errorf("mean change %.2f: demo learners should improve on average", sumDelta/1500)
	}
	if len(bands) < 4 {
		t.Errorf("bands %v: want a spread", bands)
	}
	co, err := s.Cohort(ctx, c.ID, db.CohortQuery{})
	if err != nil || len(co.Dimensions) != 6 || len(co.TopSteps) == 0 {
		t.Errorf("cohort %+v, %v", co, err)
	}

	// Running again into the same file for the same counselor is refused clearly.
	out.Reset()
	errOut.Reset()
	code = run([]string{"seed-demo", "--db", path, "--learners", "1", "--counselor-email", "coach@example.org"}, noEnv, strings.NewReader(""), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "already has demo learners") {
		t.Errorf("second run: exit %d, %s", code, errOut.String())
	}
}

func TestRun_SeedDemoGeneratesPasswordAndChecksFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	if code := run([]string{"seed-demo", "--db", path, "--learners", "2", "--assessments-per", "1"}, noEnv, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !regexp.MustCompile(`password for counselor@demo\.example and every demo learner: \S{12,}`).MatchString(out.String()) {
		t.Errorf("no generated password in:\n%s", out.String())
	}
	for _, args := range [][]string{
		{"--learners", "-1"}, {"--assessments-per", "5000"}, {"--counselor-email", "nobody"},
	} {
		errOut.Reset()
		if code := run(append([]string{"seed-demo", "--db", path}, args...), noEnv, strings.NewReader("a demo password\n"), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
	errOut.Reset()
	if code := run([]string{"seed-demo", "--db", path}, noEnv, strings.NewReader("short\n"), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "password") {
		t.Errorf("short password: exit %d, %s", code, errOut.String())
	}
}
