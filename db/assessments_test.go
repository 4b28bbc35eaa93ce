package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestAssessmentsByUser_NewestFirstAndPaged(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "a@example.org", RoleLearner)
		var ids []int64
		for i := range 5 {
			if i != 3 { // two rows share a timestamp: id breaks the tie
				clock.Advance(time.Minute)
			}
			a, err := s.CreateAssessment(ctx, u.ID, result(float64(10*i), "b"))
			must(t, err)
			ids = append(ids, a.ID)
		}
		newest := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}

		tests := []struct {
			limit, offset int
			want          []int64
		}{
			{0, 0, newest},
			{2, 0, newest[:2]},
			{2, 2, newest[2:4]},
			{10, 4, newest[4:]},
			{10, 5, nil},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("limit %d offset %d", tt.limit, tt.offset), func(t *testing.T) {
				got, err := s.AssessmentsByUser(ctx, u.ID, tt.limit, tt.offset)
				must(t, err)
				if len(got) != len(tt.want) {
					t.Fatalf("got %d rows, want %d", len(got), len(tt.want))
				}
				for i := range got {
					if got[i].ID != tt.want[i] {
						t.Errorf("row %d id %d, want %d", i, got[i].ID, tt.want[i])
					}
				}
			})
		}
		if n, err := s.CountAssessments(ctx, u.ID); n != 5 || err != nil {
			t.Errorf("CountAssessments = %d, %v", n, err)
		}
	})
}

func TestAssessment_RoundTripsAndChecksOwner(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		owner := mustUser(t, s, "owner@example.org", RoleLearner)
		stranger := mustUser(t, s, "stranger@example.org", RoleLearner)
		in := result(72.5, "ready")
		created, err := s.CreateAssessment(ctx, owner.ID, in)
		must(t, err)

		got, err := s.Assessment(ctx, owner.ID, created.ID)
		must(t, err)
		if got.UserID != owner.ID || got.ProfileID != in.ProfileID || got.ProfileVersion != in.ProfileVersion ||
			string(got.Answers) != string(in.Answers) || string(got.Result) != string(in.Result) ||
			got.Overall != in.Overall || got.Band != in.Band || got.BachelorMet != in.BachelorMet ||
			got.TopStep != in.TopStep || !got.CreatedAt.Equal(clock.Now()) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("read back %+v, want %+v", got, created)
		}
		if _, err := s.Assessment(ctx, stranger.ID, created.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("stranger reading: %v, want ErrNotFound", err)
		}
	})
}

type stats struct {
	Attempts        int
	LatestID        int64
	LatestOverall   float64
	LatestBand      string
	PreviousOverall *float64
	BachelorMet     bool
	LastActivityAt  time.Time
}

func learnerStats(t testing.TB, s *Store, userID int64) (stats, bool) {
	t.Helper()
	var rows []stats
	err := s.r.Raw(`SELECT attempts, latest_id, latest_overall, latest_band, previous_overall, bachelor_met, last_activity_at
FROM learner_stats WHERE user_id = ?`, userID).Scan(&rows).Error
	must(t, err)
	if len(rows) == 0 {
		return stats{}, false
	}
	return rows[0], true
}

func TestCreateAssessment_UpdatesLearnerStats(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "st@example.org", RoleLearner)
		if _, ok := learnerStats(t, s, u.ID); ok {
			t.Fatal("stats before any assessment")
		}
		steps := []struct {
			overall      float64
			band         string
			wantPrevious *float64
		}{
			{30, "early", nil},
			{55, "building", ptr(30.0)},
			{80, "ready", ptr(55.0)},
		}
		for i, st := range steps {
			clock.Advance(time.Hour)
			a, err := s.CreateAssessment(ctx, u.ID, result(st.overall, st.band))
			must(t, err)
			got, ok := learnerStats(t, s, u.ID)
			if !ok {
				t.Fatal("no stats row")
			}
			if got.Attempts != i+1 || got.LatestID != a.ID || got.LatestOverall != st.overall || got.LatestBand != st.band ||
				got.BachelorMet != (st.overall >= 50) || !got.LastActivityAt.Equal(clock.Now()) ||
				fmt.Sprint(deref(got.PreviousOverall)) != fmt.Sprint(deref(st.wantPrevious)) {
				t.Errorf("after attempt %d: stats %+v (previous %v), want latest %v previous %v",
					i+1, got, deref(got.PreviousOverall), st.overall, deref(st.wantPrevious))
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestVisitorResult_OwnedBySession(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		exp := clock.Now().Add(time.Hour)
		must(t, s.CreateSession(ctx, Session{ID: "v1", ExpiresAt: exp}))
		must(t, s.CreateSession(ctx, Session{ID: "v2", ExpiresAt: exp}))
		a, err := s.CreateVisitorResult(ctx, "v1", result(60, "ready"))
		must(t, err)
		if a.UserID != 0 || a.ID == 0 {
			t.Errorf("visitor result = %+v", a)
		}
		got, err := s.VisitorResult(ctx, "v1", a.ID)
		if err != nil || got.Overall != 60 || got.UserID != 0 || !got.CreatedAt.Equal(clock.Now()) {
			t.Errorf("VisitorResult = %+v, %v", got, err)
		}
		if _, err := s.VisitorResult(ctx, "v2", a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("other session reading: %v", err)
		}
	})
}

func TestClaimVisitorResults_MovesInOrderAndUpdatesStats(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "claim@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "v", ExpiresAt: clock.Now().Add(24 * time.Hour)}))

		var times []time.Time
		for _, o := range []float64{20, 45} {
			clock.Advance(time.Minute)
			_, err := s.CreateVisitorResult(ctx, "v", result(o, "b"))
			must(t, err)
			times = append(times, clock.Now())
		}
		// The user already has a newer result of their own: it stays latest.
		clock.Advance(time.Minute)
		own, err := s.CreateAssessment(ctx, u.ID, result(90, "ready"))
		must(t, err)

		clock.Advance(time.Minute)
		claimed, err := s.ClaimVisitorResults(ctx, "v", u.ID)
		must(t, err)
		if len(claimed) != 2 {
			t.Fatalf("claimed %d, want 2", len(claimed))
		}
		for i, a := range claimed {
			if a.UserID != u.ID || !a.CreatedAt.Equal(times[i]) {
				t.Errorf("claimed[%d] = %+v, want created %v", i, a, times[i])
			}
			if _, err := s.Assessment(ctx, u.ID, a.ID); err != nil {
				t.Errorf("claimed[%d] not readable: %v", i, err)
			}
		}
		if claimed[0].ID >= claimed[1].ID {
			t.Error("claimed rows out of order")
		}
		if n := countRows(t, s, "visitor_results", ""); n != 0 {
			t.Errorf("%d visitor rows left", n)
		}
		st, _ := learnerStats(t, s, u.ID)
		if st.Attempts != 3 || st.LatestID != own.ID || deref(st.PreviousOverall) != 45.0 {
			t.Errorf("stats after claim = %+v previous %v", st, deref(st.PreviousOverall))
		}

		again, err := s.ClaimVisitorResults(ctx, "v", u.ID)
		if err != nil || len(again) != 0 {
			t.Errorf("second claim = %v, %v", again, err)
		}
	})
}

func TestCreateAssessment_ConcurrentWritersAllSucceed(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		const workers, each = 16, 20
		users := make([]User, 4)
		for i := range users {
			users[i] = mustUser(t, s, fmt.Sprintf("c%d@example.org", i), RoleLearner)
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := users[w%len(users)]
				for range each {
					if _, err := s.CreateAssessment(ctx, u.ID, result(50, "b")); err != nil {
						errs <- err
					}
					// Reads run alongside the writes.
					if _, err := s.AssessmentsByUser(ctx, u.ID, 5, 0); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := countRows(t, s, "assessments", ""); n != workers*each {
			t.Errorf("%d assessments, want %d", n, workers*each)
		}
		var attempts int64
		must(t, s.r.Raw("SELECT SUM(attempts) FROM learner_stats").Scan(&attempts).Error)
		if attempts != workers*each {
			t.Errorf("stats count %d attempts, want %d", attempts, workers*each)
		}
	})
}

func TestCreateAssessment_ConcurrentStoresOnOneDatabase(t *testing.T) {
	// Two Stores on one database stand in for two processes: on SQLite only
	// busy_timeout and immediate transactions keep them from "database is
	// locked"; on PostgreSQL they are two instances sharing the server.
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "two@example.org", RoleLearner)
		other, err := Open(s.dsn, newClock().Now)
		must(t, err)
		defer other.Close()
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for _, st := range []*Store{s, other} {
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 25 {
						if _, err := st.CreateAssessment(ctx, u.ID, result(1, "b")); err != nil {
							errs <- err
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if st, _ := learnerStats(t, s, u.ID); st.Attempts != 200 {
			t.Errorf("attempts = %d, want 200", st.Attempts)
		}
	})
}

func BenchmarkCreateAssessment(b *testing.B) {
	s, _ := openTest(b)
	ctx := context.Background()
	u := mustUser(b, s, "bench@example.org", RoleLearner)
	r := result(64, "building")
	for b.Loop() {
		if _, err := s.CreateAssessment(ctx, u.ID, r); err != nil {
			b.Fatal(err)
		}
	}
}

// Finishing the assessment stores the result and ends the owner's draft in
// one transaction; other owners' drafts stay.
func TestCreateAssessment_ClearDraftEndsTheOwnersDraft(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		a := mustUser(t, s, "a@example.org", RoleLearner)
		b := mustUser(t, s, "b@example.org", RoleLearner)
		for _, id := range []string{"v1", "v2"} {
			must(t, s.CreateSession(ctx, Session{ID: id, ExpiresAt: clock.Now().Add(time.Hour)}))
		}
		owners := []DraftOwner{{UserID: a.ID}, {UserID: b.ID}, {SessionID: "v1"}, {SessionID: "v2"}}
		for _, o := range owners {
			must(t, s.SaveDraft(ctx, o, Draft{ProfileID: "p", Answers: []byte(`{"q":1}`), Section: 3}))
		}
		kept := result(50, "developing")
		_, err := s.CreateAssessment(ctx, b.ID, kept) // no ClearDraft: b's draft stays
		must(t, err)
		finish := result(60, "nearly-ready")
		finish.ClearDraft = true
		_, err = s.CreateAssessment(ctx, a.ID, finish)
		must(t, err)
		_, err = s.CreateVisitorResult(ctx, "v1", finish)
		must(t, err)
		for i, o := range owners {
			_, err := s.Draft(ctx, o)
			if gone := errors.Is(err, ErrNotFound); gone != (i == 0 || i == 2) {
				t.Errorf("draft of %+v: %v", o, err)
			}
		}
	})
}
