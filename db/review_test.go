package db

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// reviewFixture is a learner with two results who shares with a counselor,
// a colleague they also share with, and a learner of nobody's.
type reviewFixture struct {
	learner, other, counselor, colleague User
	first, second, othersResult          Assessment
}

func newReviewFixture(t *testing.T, s *Store, clock *fakeClock) reviewFixture {
	t.Helper()
	ctx := context.Background()
	f := reviewFixture{
		learner:   mustUser(t, s, "l@example.org", RoleLearner),
		other:     mustUser(t, s, "o@example.org", RoleLearner),
		counselor: mustUser(t, s, "c@example.org", RoleCounselor),
		colleague: mustUser(t, s, "c2@example.org", RoleCounselor),
	}
	var err error
	f.first, err = s.CreateAssessment(ctx, f.learner.ID, result(50, "developing"))
	must(t, err)
	clock.Advance(time.Hour)
	f.second, err = s.CreateAssessment(ctx, f.learner.ID, result(60, "nearly-ready"))
	must(t, err)
	f.othersResult, err = s.CreateAssessment(ctx, f.other.ID, result(70, "nearly-ready"))
	must(t, err)
	for _, c := range []User{f.counselor, f.colleague} {
		_, err = s.ShareWith(ctx, f.learner.ID, c.ShareCode)
		must(t, err)
	}
	return f
}

func TestFeedback_WriteReadEditWindowAndSharing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newReviewFixture(t, s, clock)
		l, c := f.learner.ID, f.counselor.ID

		if _, err := s.AddFeedback(ctx, c, l, f.othersResult.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("feedback on another learner's result: err = %v, want ErrNotFound", err)
		}
		if _, err := s.AddFeedback(ctx, c, f.other.ID, f.othersResult.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("feedback to a learner who does not share: err = %v, want ErrNotFound", err)
		}
		one, err := s.AddFeedback(ctx, c, l, f.second.ID, "Good progress on security.")
		must(t, err)
		clock.Advance(time.Minute)
		two, err := s.AddFeedback(ctx, f.colleague.ID, l, f.second.ID, "Agreed.")
		must(t, err)
		_, err = s.AddFeedback(ctx, c, l, f.first.ID, "A start.")
		must(t, err)
		if one.CounselorName != f.counselor.Name || one.ID == 0 || !one.ReadAt.IsZero() {
			t.Errorf("added = %+v", one)
		}

		on, err := s.FeedbackOn(ctx, l, f.second.ID)
		must(t, err)
		if len(on) != 2 || on[0].ID != one.ID || on[1].ID != two.ID || on[1].CounselorName != f.colleague.Name {
			t.Errorf("feedback on the second result = %+v, want both, oldest first", on)
		}
		if got, _ := s.FeedbackOn(ctx, f.other.ID, f.second.ID); len(got) != 0 {
			t.Errorf("another learner reads %d pieces of feedback on this result", len(got))
		}
		mine, err := s.FeedbackBy(ctx, c, l)
		must(t, err)
		if len(mine) != 2 || mine[1].ID != one.ID {
			t.Errorf("the counselor's own = %+v", mine)
		}
		if _, err := s.FeedbackItem(ctx, f.colleague.ID, l, one.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a colleague reading one's feedback as theirs: err = %v", err)
		}

		// New until the learner opens the result; editing makes it new again.
		news, err := s.NewFeedback(ctx, l)
		must(t, err)
		if len(news) != 2 || news[0].AssessmentID != f.second.ID || news[0].Count != 2 ||
			strings.Join(news[0].Counselors, ",") != f.counselor.Name+","+f.colleague.Name || news[1].Count != 1 {
			t.Fatalf("new feedback = %+v", news)
		}
		must(t, s.MarkFeedbackRead(ctx, l, f.second.ID))
		news, err = s.NewFeedback(ctx, l)
		must(t, err)
		if len(news) != 1 || news[0].AssessmentID != f.first.ID {
			t.Errorf("after opening the second result, new = %+v", news)
		}
		since := clock.Now().Add(-24 * time.Hour)
		edited, err := s.EditFeedback(ctx, c, l, one.ID, "Good progress on online security.", since)
		must(t, err)
		if edited.Text != "Good progress on online security." || edited.EditedAt.IsZero() || !edited.ReadAt.IsZero() {
			t.Errorf("edited = %+v", edited)
		}
		if news, _ = s.NewFeedback(ctx, l); len(news) != 2 {
			t.Errorf("an edit is new again: %+v", news)
		}

		// Only the author, only within the window, only while shared.
		if _, err := s.EditFeedback(ctx, f.colleague.ID, l, one.ID, "mine now", since); !errors.Is(err, ErrNotFound) {
			t.Errorf("a colleague editing: err = %v, want ErrNotFound", err)
		}
		clock.Advance(25 * time.Hour)
		since = clock.Now().Add(-24 * time.Hour)
		if _, err := s.EditFeedback(ctx, c, l, one.ID, "late", since); !errors.Is(err, ErrLocked) {
			t.Errorf("editing after a day: err = %v, want ErrLocked", err)
		}
		if err := s.DeleteFeedback(ctx, c, l, one.ID, since); !errors.Is(err, ErrLocked) {
			t.Errorf("deleting after a day: err = %v, want ErrLocked", err)
		}
		fresh, err := s.AddFeedback(ctx, c, l, f.first.ID, "Fresh.")
		must(t, err)
		must(t, s.DeleteFeedback(ctx, c, l, fresh.ID, since))
		if err := s.DeleteFeedback(ctx, c, l, fresh.ID, since); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: err = %v", err)
		}
		recent, err := s.AddFeedback(ctx, c, l, f.first.ID, "Recent.")
		must(t, err)
		must(t, s.Unshare(ctx, l, c))
		if _, err := s.EditFeedback(ctx, c, l, recent.ID, "after unsharing", since); !errors.Is(err, ErrNotFound) {
			t.Errorf("editing after the learner stopped sharing: err = %v, want ErrNotFound", err)
		}
		if _, err := s.AddFeedback(ctx, c, l, f.first.ID, "after unsharing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("new feedback after the learner stopped sharing: err = %v, want ErrNotFound", err)
		}
		// The learner keeps what was given, also once the counselor is gone.
		must(t, s.DeleteUser(ctx, c))
		on, err = s.FeedbackOn(ctx, l, f.second.ID)
		must(t, err)
		if len(on) != 2 || on[0].CounselorID != 0 || on[0].CounselorName != f.counselor.Name {
			t.Errorf("after the counselor's account went: %+v", on)
		}
		// A deleted result takes its feedback with it.
		must(t, s.DeleteUser(ctx, l))
		if n := countRows(t, s, "feedback", ""); n != 0 {
			t.Errorf("%d feedback rows left after the learner's account went", n)
		}
	})
}

func TestVerification_ReplacesNeverTouchesTheSelfResult(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newReviewFixture(t, s, clock)
		l := f.learner.ID
		nv := NewVerification{Answers: []byte(`{"mkt.sem":3}`), Result: []byte(`{"overall":64.5}`), Overall: 64.5, Band: "nearly-ready"}

		if _, err := s.Verification(ctx, l, f.second.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("none yet: err = %v", err)
		}
		if _, err := s.SetVerification(ctx, f.counselor.ID, l, f.othersResult.ID, nv); !errors.Is(err, ErrNotFound) {
			t.Errorf("another learner's result: err = %v", err)
		}
		if _, err := s.SetVerification(ctx, f.counselor.ID, f.other.ID, f.othersResult.ID, nv); !errors.Is(err, ErrNotFound) {
			t.Errorf("a learner who does not share: err = %v", err)
		}
		v, err := s.SetVerification(ctx, f.counselor.ID, l, f.second.ID, nv)
		must(t, err)
		got, err := s.Verification(ctx, l, f.second.ID)
		must(t, err)
		if got.CounselorName != f.counselor.Name || string(got.Answers) != `{"mkt.sem":3}` || got.Overall != 64.5 || !got.VerifiedAt.Equal(v.VerifiedAt) {
			t.Errorf("read back %+v", got)
		}
		clock.Advance(time.Minute)
		_, err = s.SetVerification(ctx, f.colleague.ID, l, f.second.ID, NewVerification{Answers: []byte(`{"mkt.sem":2}`), Result: []byte(`{}`), Overall: 61, Band: "nearly-ready"})
		must(t, err)
		all, err := s.Verifications(ctx, l)
		must(t, err)
		if len(all) != 1 || all[f.second.ID].CounselorID != f.colleague.ID || all[f.second.ID].Overall != 61 {
			t.Errorf("after a colleague recorded again: %+v", all)
		}
		// The self result and the caseload's self columns are as they were.
		self, err := s.Assessment(ctx, l, f.second.ID)
		must(t, err)
		if self.Overall != f.second.Overall || string(self.Result) != string(f.second.Result) || string(self.Answers) != string(f.second.Answers) {
			t.Errorf("the self result changed: %+v", self)
		}
		e, err := s.CaseloadLearner(ctx, f.counselor.ID, l, time.Time{})
		must(t, err)
		if *e.LatestOverall != 60 || e.VerifiedOverall == nil || *e.VerifiedOverall != 61 || *e.VerifiedBand != "nearly-ready" {
			t.Errorf("caseload entry: latest %v, verified %v", *e.LatestOverall, e.VerifiedOverall)
		}
		// A newer attempt has no verified levels yet: the column follows the latest.
		clock.Advance(time.Hour)
		_, err = s.CreateAssessment(ctx, l, result(66, "nearly-ready"))
		must(t, err)
		list, err := s.Caseload(ctx, f.counselor.ID, CaseloadQuery{})
		must(t, err)
		if len(list) != 1 || list[0].VerifiedOverall != nil {
			t.Errorf("after a new attempt, the caseload shows verified %v", list[0].VerifiedOverall)
		}

		if err := s.DeleteVerification(ctx, f.counselor.ID, f.other.ID, f.othersResult.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting for a learner who does not share: err = %v", err)
		}
		must(t, s.DeleteVerification(ctx, f.counselor.ID, l, f.second.ID))
		if err := s.DeleteVerification(ctx, f.counselor.ID, l, f.second.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: err = %v", err)
		}
		_, err = s.SetVerification(ctx, f.counselor.ID, l, f.first.ID, nv)
		must(t, err)
		must(t, s.Unshare(ctx, l, f.counselor.ID))
		if _, err := s.SetVerification(ctx, f.counselor.ID, l, f.first.ID, nv); !errors.Is(err, ErrNotFound) {
			t.Errorf("after unsharing: err = %v", err)
		}
		if _, err := s.Verification(ctx, l, f.first.ID); err != nil {
			t.Errorf("the learner keeps verified levels recorded before: %v", err)
		}
	})
}

func TestNotes_EditAndDeleteOwnWhileShared(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newReviewFixture(t, s, clock)
		l, c := f.learner.ID, f.counselor.ID
		n, err := s.AddNote(ctx, c, l, "first thoughts")
		must(t, err)
		theirs, err := s.AddNote(ctx, f.colleague.ID, l, "colleague's")
		must(t, err)
		clock.Advance(2 * time.Hour)
		edited, err := s.EditNote(ctx, c, l, n.ID, "second thoughts")
		must(t, err)
		if edited.Text != "second thoughts" || !edited.EditedAt.Equal(clock.Now().UTC()) || !edited.CreatedAt.Equal(n.CreatedAt) {
			t.Errorf("edited = %+v", edited)
		}
		got, err := s.Note(ctx, c, l, n.ID)
		must(t, err)
		if got != edited {
			t.Errorf("Note = %+v, want %+v", got, edited)
		}
		for _, op := range []struct {
			name string
			err  error
		}{
			{"edit a colleague's", func() error { _, err := s.EditNote(ctx, c, l, theirs.ID, "x"); return err }()},
			{"delete a colleague's", s.DeleteNote(ctx, c, l, theirs.ID)},
			{"read a colleague's", func() error { _, err := s.Note(ctx, c, l, theirs.ID); return err }()},
			{"edit under another learner", func() error { _, err := s.EditNote(ctx, c, f.other.ID, n.ID, "x"); return err }()},
		} {
			if !errors.Is(op.err, ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", op.name, op.err)
			}
		}
		must(t, s.DeleteNote(ctx, c, l, n.ID))
		notes, err := s.Notes(ctx, c, l)
		must(t, err)
		if len(notes) != 0 {
			t.Errorf("after deleting, notes = %+v", notes)
		}
		kept, err := s.AddNote(ctx, c, l, "kept")
		must(t, err)
		must(t, s.Unshare(ctx, l, c))
		if _, err := s.EditNote(ctx, c, l, kept.ID, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("editing after the learner stopped sharing: err = %v", err)
		}
		if err := s.DeleteNote(ctx, c, l, kept.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting after the learner stopped sharing: err = %v", err)
		}
	})
}

func TestExportUser_HasFeedbackAndVerifiedButNoNotes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		f := newReviewFixture(t, s, clock)
		l, c := f.learner.ID, f.counselor.ID
		_, err := s.AddNote(ctx, c, l, "SECRET-NOTE")
		must(t, err)
		_, err = s.AddFeedback(ctx, c, l, f.second.ID, "Well done.")
		must(t, err)
		_, err = s.SetVerification(ctx, c, l, f.second.ID, NewVerification{Answers: []byte(`{"mkt.sem":3}`), Result: []byte(`{"overall":64.5}`), Overall: 64.5, Band: "nearly-ready"})
		must(t, err)
		ex, err := s.ExportUser(ctx, l)
		must(t, err)
		out, err := json.Marshal(ex)
		must(t, err)
		for _, want := range []string{`"text":"Well done."`, `"answers":{"mkt.sem":3}`, `"overall":64.5`, `"counselor":"` + f.counselor.Name + `"`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("export lacks %s", want)
			}
		}
		if strings.Contains(string(out), "SECRET-NOTE") {
			t.Error("the export carries a private note")
		}
	})
}

func TestMigrate_Version8NotesGainEditTimes(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testDSN(t, d)
			clock := newClock()
			old, err := open(dsn, clock.Now)
			must(t, err)
			must(t, old.migrateTo(ctx, 8))
			now := clock.Now()
			must(t, old.w.Exec(`INSERT INTO users (id, email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key)
VALUES (1, 'lee@example.org', 'Lee', 'h', 'learner', NULL, FALSE, ?, ?, ''), (2, 'cas@example.org', 'Cas', 'h', 'counselor', 'ABCDEFGH', FALSE, ?, ?, '')`,
				now, now, now, now).Error)
			must(t, old.w.Exec("INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at) VALUES (2, 1, FALSE, ?)", now).Error)
			must(t, old.w.Exec("INSERT INTO notes (id, counselor_id, learner_id, text, created_at) VALUES (1, 2, 1, 'old note', ?)", now).Error)
			if d == Postgres {
				pool, err := old.w.DB()
				must(t, err)
				must(t, advanceSequences(ctx, pool))
			}
			must(t, old.Close())

			s, err := Open(dsn, clock.Now)
			must(t, err)
			defer s.Close()
			notes, err := s.Notes(ctx, 2, 1)
			must(t, err)
			if len(notes) != 1 || notes[0].Text != "old note" || !notes[0].EditedAt.IsZero() {
				t.Fatalf("upgraded notes = %+v", notes)
			}
			clock.Advance(time.Minute)
			n, err := s.EditNote(ctx, 2, 1, 1, "edited")
			must(t, err)
			if n.EditedAt.IsZero() {
				t.Errorf("edited note has no edit time: %+v", n)
			}
		})
	}
}
