package db

import (
	"context"
	"errors"
	"testing"
)

// The first write of each kind runs unprepared and prepares its
// statements afterwards; later ones run them prepared, with the same
// results and the same errors.
func TestPreparedWrites_SameResultsAndErrorsPreparedOrNot(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "prep@example.org", RoleLearner)
		prepared := func() int {
			n := 0
			s.writeStmts.Range(func(_, _ any) bool { n++; return true })
			return n
		}
		if n := prepared(); n != 0 {
			t.Fatalf("%d statements prepared before any write", n)
		}
		for round := range 2 { // round 0 unprepared, round 1 prepared
			r := result(60+float64(round), "nearly-ready")
			r.ClearDraft = true
			r.Dimensions = []DimensionScore{{ID: "marketing", Score: 70}, {ID: "security", Score: 40 + float64(round)}}
			must(t, s.SaveDraft(ctx, DraftOwner{UserID: u.ID}, Draft{ProfileID: "p", Answers: []byte(`{"a":1}`), Section: 2}))
			d, err := s.Draft(ctx, DraftOwner{UserID: u.ID})
			if err != nil || d.Section != 2 || string(d.Answers) != `{"a":1}` {
				t.Fatalf("round %d: draft %+v, %v", round, d, err)
			}
			a, err := s.CreateAssessment(ctx, u.ID, r)
			must(t, err)
			if _, err := s.Draft(ctx, DraftOwner{UserID: u.ID}); !errors.Is(err, ErrNotFound) {
				t.Errorf("round %d: the draft outlived the result: %v", round, err)
			}
			got, err := s.Assessment(ctx, u.ID, a.ID)
			if err != nil || got.Overall != r.Overall || got.UserID != u.ID {
				t.Errorf("round %d: stored %+v, %v", round, got, err)
			}
			if _, err := s.CreateAssessment(ctx, 999999, result(50, "developing")); !errors.Is(err, ErrNotFound) {
				t.Errorf("round %d: a result for no one: %v, want ErrNotFound", round, err)
			}
			if err := s.SaveDraft(ctx, DraftOwner{SessionID: "nobody"}, Draft{ProfileID: "p", Answers: []byte(`{}`)}); !errors.Is(err, ErrNotFound) {
				t.Errorf("round %d: a draft for no session: %v, want ErrNotFound", round, err)
			}
			if round == 0 && prepared() < 5 {
				t.Errorf("after the first writes %d statements are prepared, want the result's, its scores', the stats', the draft's", prepared())
			}
		}
		st, ok := learnerStats(t, s, u.ID)
		if !ok || st.Attempts != 2 || st.LatestOverall != 61 || st.PreviousOverall == nil || *st.PreviousOverall != 60 {
			t.Errorf("stats after two results: %+v, %v", st, ok)
		}
		if n := countRows(t, s, "assessment_dimension_scores", "score = ?", 41.0); n != 1 {
			t.Errorf("%d dimension scores of the prepared round stored, want 1", n)
		}
	})
}
