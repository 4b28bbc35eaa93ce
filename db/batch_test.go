package db

import (
	"context"
	"errors"
	"sync"
	"testing"
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
