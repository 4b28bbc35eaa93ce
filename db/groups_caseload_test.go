package db

import (
	"context"
	"slices"
	"testing"
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

func TestRecordCaseloadAccess_RecordsEveryMatchingLearner(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newCaseloadFixture(t, s, clock)
		setGroup(t, s, f.ann, "Class of 2027")
		setGroup(t, s, f.bob, "Class of 2027")
		q := CaseloadQuery{Group: "Class of 2027", Limit: 1} // paging is ignored
		must(t, s.RecordCaseloadAccess(ctx, f.c.ID, q, ActionResultsCSV))
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
		must(t, s.RecordCaseloadAccess(ctx, f.c.ID, CaseloadQuery{}, ActionResultsCSV))
		must(t, s.RecordCaseloadAccess(ctx, f.c.ID, CaseloadQuery{Group: "Nobody's group"}, ActionResultsCSV)) // empty: no row
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
