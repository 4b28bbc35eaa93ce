package db

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// seedForCopy fills a store with a row in every table.
func seedForCopy(t *testing.T, s *Store, clock *fakeClock) (counselor User, learners []User) {
	t.Helper()
	ctx := context.Background()
	counselor = mustUser(t, s, "c@example.org", RoleCounselor)
	mustUser(t, s, "admin@example.org", RoleAdmin)
	for i := range 30 {
		u, err := s.CreateUser(ctx, NewUser{Email: fmt.Sprintf("l%02d@example.org", i), Name: fmt.Sprintf("Élève %02d", i), PasswordHash: "hash-" + fmt.Sprint(i), Role: RoleLearner})
		must(t, err)
		learners = append(learners, u)
		_, err = s.ShareWith(ctx, u.ID, counselor.ShareCode)
		must(t, err)
		for k := range i % 4 {
			clock.Advance(time.Hour)
			r := result(float64(20+k*15+i), "developing")
			r.Result = []byte(`{"dimensions":[{"id":"web","score":` + fmt.Sprint(10*k) + `},{"id":"security","score":55.5}]}`)
			_, err := s.CreateAssessment(ctx, u.ID, r)
			must(t, err)
		}
	}
	for i, l := range learners[:3] {
		it, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Sécurité", Addresses: []string{"sec.practices"}})
		must(t, err)
		if i > 0 {
			_, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("done"), Evidence: strPtr("cert nº " + fmt.Sprint(i))})
			must(t, err)
		}
	}
	must(t, s.SetFlagged(ctx, counselor.ID, learners[3].ID, true))
	_, err := s.AddNote(ctx, counselor.ID, learners[2].ID, "Talked about the MBA — «bien».")
	must(t, err)
	must(t, s.CreateSession(ctx, Session{ID: "user-session", UserID: learners[1].ID, ExpiresAt: clock.Now().Add(time.Hour)}))
	must(t, s.CreateSession(ctx, Session{ID: "visitor", ExpiresAt: clock.Now().Add(time.Hour)}))
	must(t, s.SaveDraft(ctx, DraftOwner{SessionID: "visitor"}, Draft{ProfileID: "p", Answers: []byte(`{"a":1}`), Section: 2}))
	must(t, s.SaveDraft(ctx, DraftOwner{UserID: learners[4].ID}, Draft{ProfileID: "p", Answers: []byte(`{"b":2}`)}))
	_, err = s.CreateVisitorResult(ctx, "visitor", result(44.25, "developing"))
	must(t, err)
	_, err = s.ReserveLoginAttempt(ctx, []ThrottleKey{{Key: "pair:x|y", Limit: 5}}, time.Minute)
	must(t, err)
	must(t, s.CheckWritable(ctx))
	return counselor, learners
}

func TestCopy_SQLiteIntoPostgreSQLKeepsEveryRow(t *testing.T) {
	src, clock := openDialect(t, SQLite)
	dst, _ := openDialect(t, Postgres)
	ctx := context.Background()
	counselor, learners := seedForCopy(t, src, clock)

	var seen []CopyProgress
	counts, err := Copy(ctx, src, dst, func(p CopyProgress) { seen = append(seen, p) })
	must(t, err)
	tables := map[string]TableCount{}
	for _, c := range counts {
		tables[c.Table] = c
		if c.Source != c.Target {
			t.Errorf("%s: %d rows in the source, %d in the target", c.Table, c.Source, c.Target)
		}
	}
	for _, want := range []string{"users", "sessions", "drafts", "assessments", "visitor_results", "counselor_links", "notes", "login_attempts", "learner_stats", "assessment_dimension_scores", "plan_items"} {
		if tables[want].Source == 0 {
			t.Errorf("table %s missing from the copy or empty in the seed: %+v", want, tables[want])
		}
	}
	if _, ok := tables["schema_migrations"]; ok {
		t.Error("schema_migrations was copied")
	}
	if len(seen) == 0 || seen[len(seen)-1].Done != seen[len(seen)-1].Total {
		t.Errorf("progress ended at %+v", seen)
	}

	// The copy reads the same as the original.
	for _, q := range []CaseloadQuery{{}, {Sort: SortByDelta, Desc: true}, {Q: "ÉLÈVE 1"}} {
		a, err := src.Caseload(ctx, counselor.ID, q)
		must(t, err)
		b, err := dst.Caseload(ctx, counselor.ID, q)
		must(t, err)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("caseload %+v differs:\n%+v\n%+v", q, a, b)
		}
	}
	ca, err := src.Cohort(ctx, counselor.ID, CohortQuery{})
	must(t, err)
	cb, err := dst.Cohort(ctx, counselor.ID, CohortQuery{})
	must(t, err)
	if !reflect.DeepEqual(ca, cb) {
		t.Errorf("cohort differs:\n%+v\n%+v", ca, cb)
	}
	for _, l := range learners[:5] {
		ea, err := src.ExportUser(ctx, l.ID)
		must(t, err)
		eb, err := dst.ExportUser(ctx, l.ID)
		must(t, err)
		if !reflect.DeepEqual(ea, eb) {
			t.Errorf("export of %s differs:\n%+v\n%+v", l.Email, ea, eb)
		}
	}
	if sess, err := dst.SessionByID(ctx, "user-session"); err != nil || sess.UserID != learners[1].ID {
		t.Errorf("session after copy: %+v, %v", sess, err)
	}

	// Sequences moved past the copied ids: new rows get new ids.
	u, err := dst.CreateUser(ctx, NewUser{Email: "new@example.org", Name: "New", PasswordHash: "h", Role: RoleLearner})
	must(t, err)
	if u.ID <= learners[len(learners)-1].ID {
		t.Errorf("new user got id %d, not past the copied %d", u.ID, learners[len(learners)-1].ID)
	}
	a, err := dst.CreateAssessment(ctx, u.ID, result(10, "exploring"))
	must(t, err)
	if n := countRows(t, dst, "assessments", "id = ?", a.ID); n != 1 {
		t.Errorf("new assessment %d stored %d times", a.ID, n)
	}

	// A second copy into the now non-empty target is refused.
	if _, err := Copy(ctx, src, dst, nil); !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "users") {
		t.Errorf("copy into a non-empty target: %v", err)
	}
}

// A copy that fails halfway writes nothing.
func TestCopy_FailingHalfwayLeavesTheTargetEmpty(t *testing.T) {
	src, clock := openDialect(t, SQLite)
	dst, _ := openDialect(t, Postgres)
	seedForCopy(t, src, clock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tablesStarted := 0
	_, err := Copy(ctx, src, dst, func(p CopyProgress) {
		if p.Done == 0 {
			tablesStarted++
		}
		if tablesStarted == 3 && p.Done > 0 {
			cancel() // stopped while the third table is being written
		}
	})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("interrupted copy: %v", err)
	}
	for _, table := range []string{"users", "assessments", "counselor_links", "sessions"} {
		if n := countRows(t, dst, table, ""); n != 0 {
			t.Errorf("%s has %d rows after a failed copy", table, n)
		}
	}
	// And the target still takes a full copy afterwards.
	_, err = Copy(context.Background(), src, dst, nil)
	must(t, err)
}
