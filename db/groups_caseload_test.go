package db

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// setGroup puts a learner in a group, as an admin would.
func setGroup(t *testing.T, s *Store, u User, group string) {
	t.Helper()
	_, err := s.UpdateUser(context.Background(), 0, u.ID, UserChange{Group: &group})
	must(t, err)
}

func TestCaseload_GroupFilterColumnAndList(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		setGroup(t, s, f.ann, "Class of 2027")
		setGroup(t, s, f.bob, "class of 2027")
		setGroup(t, s, f.dan, "Evening")
		if ex, err := s.ExportUser(ctx, f.dan.ID); err != nil || ex.User.Group != "Evening" {
			t.Errorf("dan's export: group %q, %v", ex.User.Group, err)
		}
		// A learner of another counselor, in a group of their own.
		other := mustUser(t, s, "other@example.org", RoleCounselor)
		stranger := mustUser(t, s, "s@example.org", RoleLearner)
		_, err := s.ShareWith(ctx, stranger.ID, other.ShareCode)
		must(t, err)
		setGroup(t, s, stranger, "Weekend")

		got, err := s.Caseload(ctx, f.c.ID, CaseloadQuery{Group: "CLASS OF 2027"})
		must(t, err)
		if !slices.Equal(ids(got), []int64{f.ann.ID, f.bob.ID}) || got[0].Group != "Class of 2027" || got[1].Group != "class of 2027" {
			t.Errorf("group filter: %+v", got)
		}
		if n, _ := s.CountCaseload(ctx, f.c.ID, CaseloadQuery{Group: "Evening"}); n != 1 {
			t.Errorf("CountCaseload(Evening) = %d", n)
		}
		if n, _ := s.CountCaseload(ctx, f.c.ID, CaseloadQuery{Group: "Weekend"}); n != 0 {
			t.Errorf("another counselor's group leaks into the caseload: %d", n)
		}
		gs, err := s.CaseloadGroups(ctx, f.c.ID)
		must(t, err)
		if len(gs) != 2 || gs[0] != (Group{"Class of 2027", 2}) || gs[1] != (Group{"Evening", 1}) {
			t.Errorf("CaseloadGroups = %+v", gs)
		}

		co, err := s.Cohort(ctx, f.c.ID, CohortQuery{Group: "class of 2027"})
		must(t, err)
		if co.Learners != 2 || co.Bands["ready"] != 1 || co.Bands["developing"] != 1 || co.Improved != 1 || co.Declined != 1 {
			t.Errorf("cohort of the group: %+v", co)
		}
		all, err := s.Cohort(ctx, f.c.ID, CohortQuery{})
		must(t, err)
		if all.Learners != 5 {
			t.Errorf("whole cohort: %d learners", all.Learners)
		}
	})
}

// export runs ExportCaseload and returns the ids it handed over.
func export(t *testing.T, s *Store, counselorID int64, q CaseloadQuery) []int64 {
	return exportEach(t, s, counselorID, q, func() {})
}

// exportEach is export with a function run before each row is handed over.
func exportEach(t *testing.T, s *Store, counselorID int64, q CaseloadQuery, each func()) []int64 {
	t.Helper()
	var got []int64
	must(t, s.ExportCaseload(context.Background(), counselorID, q, ActionResultsCSV, func(e CaseloadEntry) error {
		each()
		got = append(got, e.LearnerID)
		return nil
	}))
	return got
}

func TestExportCaseload_RecordsEveryLearnerInIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		setGroup(t, s, f.ann, "Class of 2027")
		setGroup(t, s, f.bob, "Class of 2027")
		q := CaseloadQuery{Group: "Class of 2027", Limit: 1} // paging is ignored
		if got := export(t, s, f.c.ID, q); len(got) != 2 {
			t.Errorf("the export had %v, want ann and bob", got)
		}
		for _, u := range []User{f.ann, f.bob, f.cat} {
			acc, err := s.AccessLog(ctx, u.ID, 10, 0)
			must(t, err)
			want := 1
			if u.ID == f.cat.ID {
				want = 0
			}
			if len(acc) != want {
				t.Errorf("%s: %d access rows, want %d", u.Email, len(acc), want)
			} else if want == 1 && (acc[0].ActorID != f.c.ID || acc[0].Action != ActionResultsCSV || acc[0].SubjectName != u.Name ||
				acc[0].SubjectID != u.ID || acc[0].Detail != "2 learners") {
				t.Errorf("%s: %+v", u.Email, acc[0])
			}
			if n, _ := s.CountAccessLog(ctx, u.ID); n != want {
				t.Errorf("%s: CountAccessLog = %d, want %d", u.Email, n, want)
			}
		}
		// One audit row per export, found by each learner in it.
		if log, _ := s.AuditLog(ctx, AuditQuery{PersonID: f.bob.ID}); len(log) != 2 || log[0].Action != ActionResultsCSV || log[0].SubjectID != 0 {
			t.Errorf("bob's entries in the log: %+v", log)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{PersonEmail: "ann@example.org", Kind: KindAccess}); n != 1 {
			t.Errorf("ann's access rows by email: %d", n)
		}
		export(t, s, f.c.ID, CaseloadQuery{})
		if got := export(t, s, f.c.ID, CaseloadQuery{Group: "Nobody's group"}); len(got) != 0 { // empty: no row
			t.Errorf("an empty group's export had %v", got)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{Kind: KindAccess}); n != 2 {
			t.Errorf("%d access rows after two exports, want 2", n)
		}
		if n, _ := s.CountAccessLog(ctx, f.cat.ID); n != 1 {
			t.Errorf("cat was in the second export: %d", n)
		}
		// The learner's account goes: so does their part of the exports.
		must(t, s.DeleteUser(ctx, f.ann.ID))
		if n := countRows(t, s, "audit_subjects", "learner_id = ?", f.ann.ID); n != 0 {
			t.Errorf("%d export rows outlive ann", n)
		}
	})
}

// exportRecord is the learners of the counselor's last export in the
// audit log and its detail ("" and none when there is no export).
func exportRecord(t *testing.T, s *Store) ([]int64, string) {
	t.Helper()
	var rows []struct {
		ID     int64
		Detail string
	}
	must(t, s.r.Raw("SELECT id, detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1", ActionResultsCSV).Scan(&rows).Error)
	if len(rows) == 0 {
		return nil, ""
	}
	var learners []int64
	must(t, s.r.Raw("SELECT learner_id FROM audit_subjects WHERE audit_id = ? ORDER BY learner_id", rows[0].ID).Scan(&learners).Error)
	return learners, rows[0].Detail
}

// The caseload changes while an export runs, after the read began and
// before the record is written (the hook holds the record back until the
// first row is handed over): the record still names exactly the learners
// sent, not those the record's own query found.
func TestExportCaseload_RecordNamesExactlyTheLearnersSentWhenTheCaseloadChanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		late, err := s.CreateUser(ctx, NewUser{Email: "late@example.org", Name: "Late Comer", PasswordHash: "h", Role: RoleLearner})
		must(t, err)
		release := make(chan struct{})
		s.beforeAccessRecord = func() { <-release }
		t.Cleanup(func() { s.beforeAccessRecord = nil })
		changed := false
		sent := exportEach(t, s, f.c.ID, CaseloadQuery{}, func() {
			if !changed {
				changed = true
				_, err := s.ShareWith(ctx, late.ID, f.c.ShareCode) // not in the file
				must(t, err)
				must(t, s.Unshare(ctx, f.ann.ID, f.c.ID)) // in the file
				close(release)
			}
		})
		want := []int64{f.dan.ID, f.ann.ID, f.bob.ID, f.eve.ID, f.cat.ID}
		slices.Sort(want)
		slices.Sort(sent)
		if !slices.Equal(sent, want) {
			t.Fatalf("sent %v, want the caseload as the read began %v", sent, want)
		}
		recorded, detail := exportRecord(t, s)
		if !slices.Equal(recorded, want) || detail != "5 learners" {
			t.Errorf("recorded %v (%q), want exactly those sent %v", recorded, detail, want)
		}
		if n, _ := s.CountAccessLog(ctx, late.ID); n != 0 {
			t.Errorf("the learner linked meanwhile, not in the file, has %d access rows", n)
		}
	})
}

// The record's query finds no one (the only learner left meanwhile), but
// the file has that learner: the record is written anyway.
func TestExportCaseload_RecordWrittenWhenItsQueryFoundNoOne(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		setGroup(t, s, f.ann, "Solo")
		release := make(chan struct{})
		s.beforeAccessRecord = func() { <-release }
		t.Cleanup(func() { s.beforeAccessRecord = nil })
		sent := exportEach(t, s, f.c.ID, CaseloadQuery{Group: "Solo"}, func() {
			must(t, s.Unshare(ctx, f.ann.ID, f.c.ID))
			close(release)
		})
		if !slices.Equal(sent, []int64{f.ann.ID}) {
			t.Fatalf("sent %v, want ann", sent)
		}
		if recorded, detail := exportRecord(t, s); !slices.Equal(recorded, sent) || detail != "1 learner" {
			t.Errorf("recorded %v (%q), want ann", recorded, detail)
		}
	})
}

// The record found learners the read did not (here: by hand, as if they
// had joined meanwhile and the read found no one): reconciling removes
// them and, with no one left, the export's row.
func TestReconcileCaseloadAccess_RemovesWhatWasNotSent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		id, recorded, err := s.recordCaseloadAccess(ctx, f.c.ID, CaseloadQuery{Now: clock.Now()}, ActionResultsCSV)
		must(t, err)
		if id == 0 || len(recorded) != 5 {
			t.Fatalf("record: id %d, learners %v", id, recorded)
		}
		must(t, s.reconcileCaseloadAccess(ctx, f.c.ID, ActionResultsCSV, id, recorded, []int64{f.bob.ID, f.ann.ID}))
		if got, detail := exportRecord(t, s); !slices.Equal(got, sortedIDs(f.ann.ID, f.bob.ID)) || detail != "2 learners" {
			t.Errorf("after reconciling with ann and bob: %v (%q)", got, detail)
		}
		must(t, s.reconcileCaseloadAccess(ctx, f.c.ID, ActionResultsCSV, id, []int64{f.ann.ID, f.bob.ID}, nil))
		if got, detail := exportRecord(t, s); got != nil || detail != "" {
			t.Errorf("after reconciling with no one: %v (%q), want no export row", got, detail)
		}
		if n := countRows(t, s, "audit_subjects", ""); n != 0 {
			t.Errorf("%d audit_subjects rows left", n)
		}
	})
}

func sortedIDs(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}

// An error from the caller's function stops the export and is returned.
func TestExportCaseload_StopsOnTheCallersError(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		f := newCaseloadFixture(t, s, clock)
		stop := errors.New("the client went away")
		calls := 0
		err := s.ExportCaseload(context.Background(), f.c.ID, CaseloadQuery{}, ActionResultsCSV, func(CaseloadEntry) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err %v after %d calls, want the caller's error after one", err, calls)
		}
	})
}

func TestIDDifferences(t *testing.T) {
	for _, c := range []struct{ a, b, onlyA, onlyB []int64 }{
		{nil, nil, nil, nil},
		{[]int64{3, 1, 2}, []int64{2, 3, 1}, nil, nil},
		{[]int64{5, 1}, nil, []int64{1, 5}, nil},
		{nil, []int64{4}, nil, []int64{4}},
		{[]int64{9, 1, 4, 7}, []int64{4, 8, 1, 2}, []int64{7, 9}, []int64{2, 8}},
	} {
		a, b := slices.Clone(c.a), slices.Clone(c.b)
		onlyA, onlyB := idDifferences(a, b)
		if !slices.Equal(onlyA, c.onlyA) || !slices.Equal(onlyB, c.onlyB) {
			t.Errorf("idDifferences(%v, %v) = %v, %v; want %v, %v", c.a, c.b, onlyA, onlyB, c.onlyA, c.onlyB)
		}
	}
}

func TestColumns_ConvertDriverValuesAndKeepTheFirstMistake(t *testing.T) {
	var c columns
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if c.int(int64(7)) != 7 || c.int(int32(8)) != 8 || orNil(c.int, nil) != nil ||
		*orNil(c.float, 2.5) != 2.5 || *orNil(c.float, int64(3)) != 3 || orNil(c.float, nil) != nil ||
		c.str("a") != "a" || c.str([]byte("b")) != "b" || orNil(c.str, nil) != nil ||
		!c.bool(true) || !c.bool(int64(1)) || c.bool(int64(0)) || orNil(c.bool, nil) != nil ||
		!c.time(at).Equal(at) || orNil(c.time, nil) != nil {
		t.Error("a value of an expected type was converted wrongly")
	}
	if c.err != nil {
		t.Fatalf("error for expected types: %v", c.err)
	}
	c.int("seven")
	c.str(int64(1))
	if c.err == nil || c.err.Error() != "a column holds string, want an integer" {
		t.Errorf("err = %v, want the first mistake", c.err)
	}
	var n columns
	n.str(nil) // NULL where a value is required
	if n.err == nil {
		t.Error("NULL in a required column gave no error")
	}
}
