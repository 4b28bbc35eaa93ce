package db

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func TestCreateAssessment_GroupCommitFailsOnlyTheBadRow(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		users := make([]User, 8)
		for i := range users {
			users[i] = mustUser(t, s, "g"+string(rune('a'+i))+"@example.org", RoleLearner)
		}
		const perUser = 25
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			ids     = map[int64]bool{}
			missing int
		)
		for i := 0; i < len(users)*perUser+20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				userID := users[i%len(users)].ID
				if i >= len(users)*perUser {
					userID = 999999 // no such user: its row must fail alone
				}
				r := result(float64(i%100), "developing")
				r.Dimensions = []DimensionScore{{"web", float64(i % 100)}, {"core", 50}}
				a, err := s.CreateAssessment(ctx, userID, r)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case userID == 999999 && errors.Is(err, ErrNotFound):
					missing++
				case err != nil:
					t.Errorf("submission %d: %v", i, err)
				case ids[a.ID]:
					t.Errorf("id %d returned twice", a.ID)
				default:
					ids[a.ID] = true
				}
			}(i)
		}
		wg.Wait()
		if missing != 20 || len(ids) != len(users)*perUser {
			t.Fatalf("%d stored, %d refused; want %d and 20", len(ids), missing, len(users)*perUser)
		}
		if n := countRows(t, s, "assessments", "1=1"); n != int64(len(ids)) {
			t.Fatalf("%d rows stored, %d acknowledged", n, len(ids))
		}
		if n := countRows(t, s, "assessment_dimension_scores", "1=1"); n != 2*int64(len(ids)) {
			t.Fatalf("%d dimension scores stored, want 2 per assessment", n)
		}
		for _, u := range users {
			st, ok := learnerStats(t, s, u.ID)
			if !ok || st.Attempts != perUser {
				t.Fatalf("user %d: stats %+v, want %d attempts", u.ID, st, perUser)
			}
		}
	})
}

func TestCreateAssessment_AfterCloseFails(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		u := mustUser(t, s, "late@example.org", RoleLearner)
		s.Close()
		if _, err := s.CreateAssessment(context.Background(), u.ID, result(50, "developing")); err == nil {
			t.Fatal("a closed store accepted a write")
		}
	})
}

// holdCommitter keeps the SQLite committer busy until the returned release
// is called, so the writes queued meanwhile go into one batch together.
func holdCommitter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.commit.run(context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		if err := <-done; err != nil {
			t.Errorf("holding job: %v", err)
		}
	}
}

// waitQueued waits until n jobs wait in the committer's queue.
func waitQueued(s *Store, n int) {
	for len(s.commit.queue) < n {
		runtime.Gosched()
	}
}

// Writes of every kind queued together commit in one transaction; the ones
// that fail are undone alone, whatever statements they had run, and report
// their own errors.
func TestGroupCommit_OneBatchFailsOnlyTheFailingWrites(t *testing.T) {
	s, clock := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "batch@example.org", RoleLearner)
	visitor := Session{ID: "visitor-1", ExpiresAt: clock.Now().Add(time.Hour)}
	if err := s.CreateSession(ctx, visitor); err != nil {
		t.Fatal(err)
	}
	release := holdCommitter(t, s)

	errs := make([]error, 6)
	var wg sync.WaitGroup
	writes := []func() error{
		func() error {
			return s.CreateSession(ctx, Session{ID: "visitor-2", ExpiresAt: clock.Now().Add(time.Hour)})
		},
		func() error { return s.CreateSession(ctx, visitor) }, // a duplicate id: conflict
		func() error {
			return s.SaveDraft(ctx, DraftOwner{SessionID: "visitor-1"}, Draft{ProfileID: "p", Answers: []byte(`{"a":1}`), Section: 2})
		},
		func() error {
			return s.SaveDraft(ctx, DraftOwner{SessionID: "nobody"}, Draft{ProfileID: "p", Answers: []byte(`{}`)}) // no such session
		},
		func() error { _, err := s.CreateAssessment(ctx, u.ID, result(70, "nearly-ready")); return err },
		func() error {
			// Two statements, the second failing: the first must go too.
			return s.write(ctx, func(tx *gorm.DB) error {
				if err := tx.Exec("INSERT INTO heartbeat (id, at) VALUES (1, ?)", clock.Now()).Error; err != nil {
					return err
				}
				return tx.Exec("INSERT INTO no_such_table VALUES (1)").Error
			})
		},
	}
	for i, w := range writes {
		wg.Go(func() { errs[i] = w() })
		waitQueued(s, i+1) // queued in this order
	}
	release()
	wg.Wait()

	for i, want := range []error{nil, ErrConflict, nil, ErrNotFound, nil, nil} {
		switch {
		case want == nil && i == 5:
			if errs[i] == nil {
				t.Errorf("write %d: no error for a failing statement", i)
			}
		case want == nil && errs[i] != nil:
			t.Errorf("write %d: %v", i, errs[i])
		case want != nil && !errors.Is(errs[i], want):
			t.Errorf("write %d: %v, want %v", i, errs[i], want)
		}
	}
	if n := countRows(t, s, "sessions", ""); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
	if d, err := s.Draft(ctx, DraftOwner{SessionID: "visitor-1"}); err != nil || d.Section != 2 {
		t.Errorf("draft %+v, %v", d, err)
	}
	if n := countRows(t, s, "assessments", "user_id = ?", u.ID); n != 1 {
		t.Errorf("%d assessments, want 1", n)
	}
	if n := countRows(t, s, "heartbeat", ""); n != 0 {
		t.Errorf("the failed write's first statement was kept")
	}
}

// A write whose caller gave up while it waited is not run; one alone that
// fails leaves nothing behind.
func TestGroupCommit_CancelledWhileQueuedIsNotRun(t *testing.T) {
	s, clock := openTest(t)
	release := holdCommitter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.CreateSession(ctx, Session{ID: "gave-up", ExpiresAt: clock.Now().Add(time.Hour)}) }()
	waitQueued(s, 1)
	cancel()
	release()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := countRows(t, s, "sessions", ""); n != 0 {
		t.Errorf("a cancelled write was stored")
	}

	err := s.write(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO heartbeat (id, at) VALUES (1, ?)", clock.Now()).Error; err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil || countRows(t, s, "heartbeat", "") != 0 {
		t.Errorf("a failed lone write: err %v, %d heartbeat rows", err, countRows(t, s, "heartbeat", ""))
	}
}
