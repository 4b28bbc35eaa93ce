package db

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// caseloadFixture is a counselor with five learners:
//
//	ann  ready 90 after 70 (up), bachelor met, active
//	bob  developing 40 after 55 (dropped), flagged
//	cat  no attempts, linked just now
//	dan  exploring 20 once, bachelor unmet, last attempt 100 days ago
//	eve  "50%_off\" name to test LIKE escaping, nearly-ready 65 once
type caseloadFixture struct {
	s                       *Store
	clock                   *fakeClock
	c                       User
	ann, bob, cat, dan, eve User
}

func newCaseloadFixture(t *testing.T, s *Store, clock *fakeClock) caseloadFixture {
	t.Helper()
	ctx := context.Background()
	f := caseloadFixture{s: s, clock: clock}
	f.c = mustUser(t, s, "c@example.org", RoleCounselor)
	add := func(email, name string) User {
		u, err := s.CreateUser(ctx, NewUser{Email: email, Name: name, PasswordHash: "h", Role: RoleLearner})
		must(t, err)
		_, err = s.ShareWith(ctx, u.ID, f.c.ShareCode)
		must(t, err)
		return u
	}
	f.dan = add("dan@example.org", "Dan Dormant")
	f.ann = add("ann@example.org", "Ann Able")
	f.bob = add("bob@example.org", "bob Baker")
	f.eve = add("eve@example.org", `50%_off\ Eve`)
	take := func(u User, overall float64, band string, bachelor bool) {
		r := result(overall, band)
		r.BachelorMet = bachelor
		_, err := s.CreateAssessment(ctx, u.ID, r)
		must(t, err)
	}
	take(f.dan, 20, "exploring", false)
	clock.Advance(100 * 24 * time.Hour)
	take(f.ann, 70, "nearly-ready", true)
	take(f.bob, 55, "nearly-ready", true)
	clock.Advance(time.Hour)
	take(f.ann, 90, "ready", true)
	take(f.bob, 40, "developing", true)
	take(f.eve, 65, "nearly-ready", true)
	must(t, s.SetFlagged(ctx, f.c.ID, f.bob.ID, true))
	f.cat = add("cat@example.org", "Cat New")
	return f
}

func ids(es []CaseloadEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.LearnerID)
	}
	return out
}

func TestCaseload_AttentionDeltaAndNoAttempts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		f := newCaseloadFixture(t, s, clock)
		got, err := f.s.Caseload(context.Background(), f.c.ID, CaseloadQuery{})
		must(t, err)
		by := map[int64]CaseloadEntry{}
		for _, e := range got {
			by[e.LearnerID] = e
		}
		if len(by) != 5 {
			t.Fatalf("%d learners, want 5 (no-attempt learners included)", len(by))
		}
		tests := []struct {
			name      string
			u         User
			attention []string
			delta     *float64
		}{
			{"improved", f.ann, []string{}, ptr(20.0)},
			{"dropped", f.bob, []string{AttentionScoreDropped}, ptr(-15.0)},
			{"no attempt, linked now", f.cat, []string{}, nil},
			{"inactive and no bachelor", f.dan, []string{AttentionInactive, AttentionBachelorUnmet}, nil},
			{"one attempt", f.eve, []string{}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := by[tt.u.ID]
				if !slices.Equal(e.NeedsAttention, tt.attention) {
					t.Errorf("NeedsAttention = %v, want %v", e.NeedsAttention, tt.attention)
				}
				if (e.Delta == nil) != (tt.delta == nil) || (e.Delta != nil && *e.Delta != *tt.delta) {
					t.Errorf("Delta = %v, want %v", deref(e.Delta), deref(tt.delta))
				}
			})
		}
		cat := by[f.cat.ID]
		if cat.Attempts != 0 || cat.LatestID != nil || cat.LastActivityAt != nil {
			t.Errorf("no-attempt learner has stats: %+v", cat)
		}
		// A learner linked long ago who never took it is inactive too.
		later, err := f.s.CaseloadLearner(context.Background(), f.c.ID, f.cat.ID, f.clock.Now().Add(91*24*time.Hour))
		must(t, err)
		if !slices.Equal(later.NeedsAttention, []string{AttentionInactive}) {
			t.Errorf("never-attempted learner after 91 days: %v", later.NeedsAttention)
		}
	})
}

func TestCaseload_FiltersSearchAndSortEveryColumn(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		f := newCaseloadFixture(t, s, clock)
		ctx := context.Background()
		a, b, c, d, e := f.ann.ID, f.bob.ID, f.cat.ID, f.dan.ID, f.eve.ID
		tests := []struct {
			name string
			q    CaseloadQuery
			want []int64
		}{
			{"default by name", CaseloadQuery{}, []int64{e, a, b, c, d}},
			{"name desc", CaseloadQuery{Sort: SortByName, Desc: true}, []int64{d, c, b, a, e}},
			{"email", CaseloadQuery{Sort: SortByEmail}, []int64{a, b, c, d, e}},
			{"attempts desc", CaseloadQuery{Sort: SortByAttempts, Desc: true}, []int64{a, b, e, d, c}},
			{"overall asc, none last", CaseloadQuery{Sort: SortByOverall}, []int64{d, b, e, a, c}},
			{"overall desc, none last", CaseloadQuery{Sort: SortByOverall, Desc: true}, []int64{a, e, b, d, c}},
			{"delta asc", CaseloadQuery{Sort: SortByDelta}, []int64{b, a, e, c, d}},
			{"delta desc", CaseloadQuery{Sort: SortByDelta, Desc: true}, []int64{a, b, e, c, d}},
			{"activity asc, ties by name", CaseloadQuery{Sort: SortByActivity}, []int64{d, e, a, b, c}},
			{"flagged desc", CaseloadQuery{Sort: SortByFlagged, Desc: true}, []int64{b, e, a, c, d}},
			{"linked desc", CaseloadQuery{Sort: SortByLinked, Desc: true}, []int64{c, e, a, b, d}},
			{"search name any case", CaseloadQuery{Q: "BAKER"}, []int64{b}},
			{"search email", CaseloadQuery{Q: "ann@"}, []int64{a}},
			{"percent is literal", CaseloadQuery{Q: "50%"}, []int64{e}},
			{"underscore is literal", CaseloadQuery{Q: "a_"}, nil},
			{"backslash is literal", CaseloadQuery{Q: `\ e`}, []int64{e}},
			{"band", CaseloadQuery{Band: "nearly-ready"}, []int64{e}},
			{"no attempt yet", CaseloadQuery{Band: BandNone}, []int64{c}},
			{"flagged", CaseloadQuery{FlaggedOnly: true}, []int64{b}},
			{"needs attention", CaseloadQuery{NeedsAttention: true}, []int64{b, d}},
			{"combined", CaseloadQuery{NeedsAttention: true, Band: "developing", Q: "bob"}, []int64{b}},
			{"paged", CaseloadQuery{Limit: 2, Offset: 2}, []int64{b, c}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.s.Caseload(ctx, f.c.ID, tt.q)
				must(t, err)
				if !slices.Equal(ids(got), tt.want) {
					t.Errorf("ids %v, want %v", ids(got), tt.want)
				}
				if tt.q.Limit == 0 {
					n, err := f.s.CountCaseload(ctx, f.c.ID, tt.q)
					if err != nil || n != len(tt.want) {
						t.Errorf("CountCaseload = %d, %v; want %d", n, err, len(tt.want))
					}
				}
			})
		}
		var streamed []int64
		must(t, f.s.EachCaseload(ctx, f.c.ID, CaseloadQuery{NeedsAttention: true, Limit: 1}, func(e CaseloadEntry) error {
			streamed = append(streamed, e.LearnerID)
			return nil
		}))
		if !slices.Equal(streamed, []int64{b, d}) {
			t.Errorf("EachCaseload = %v, want every match regardless of Limit", streamed)
		}
		other := mustUser(t, f.s, "c2@example.org", RoleCounselor)
		if got, _ := f.s.Caseload(ctx, other.ID, CaseloadQuery{}); len(got) != 0 {
			t.Errorf("another counselor sees %v", ids(got))
		}
		if _, err := f.s.CaseloadLearner(ctx, other.ID, f.ann.ID, time.Time{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("CaseloadLearner off caseload: %v", err)
		}
	})
}

// TestCaseload_QueryPlansUseIndexes checks that the caseload, its count and
// the cohort reach users, learner_stats and assessments by key, never by
// scanning them: the cost grows with the caseload, not the database.
func TestCaseload_QueryPlansUseIndexes(t *testing.T) {
	s, clock := openTest(t) // EXPLAIN QUERY PLAN is SQLite's
	f := newCaseloadFixture(t, s, clock)
	queries := map[string]struct {
		sql  string
		args []any
	}{}
	for _, q := range []CaseloadQuery{
		{Limit: 50},
		{Q: "a", Band: "ready", NeedsAttention: true, FlaggedOnly: true, Sort: SortByDelta, Desc: true, Limit: 50},
	} {
		sql, args, err := f.s.caseloadSQL(f.c.ID, q)
		must(t, err)
		queries["caseload "+q.Sort] = struct {
			sql  string
			args []any
		}{sql, args}
	}
	queries["cohort steps"] = struct {
		sql  string
		args []any
	}{`SELECT st.latest_top_step, COUNT(*) FROM counselor_links l JOIN learner_stats st ON st.user_id = l.learner_id
  WHERE l.counselor_id = ? AND st.latest_top_step <> '' GROUP BY st.latest_top_step`, []any{f.c.ID}}
	queries["cohort dimensions"] = struct {
		sql  string
		args []any
	}{`SELECT d.dimension_id, AVG(d.score) FROM counselor_links l JOIN learner_stats st ON st.user_id = l.learner_id
  JOIN assessment_dimension_scores d ON d.assessment_id = st.latest_id WHERE l.counselor_id = ? GROUP BY d.dimension_id`, []any{f.c.ID}}
	queries["notes"] = struct {
		sql  string
		args []any
	}{`SELECT n.id FROM notes n JOIN users u ON u.id = n.counselor_id WHERE n.counselor_id = ? AND n.learner_id = ? ORDER BY n.created_at DESC, n.id DESC`, []any{1, 2}}
	for name, q := range queries {
		var plan []struct {
			ID, Parent, Notused int
			Detail              string
		}
		must(t, f.s.r.Raw("EXPLAIN QUERY PLAN "+q.sql, q.args...).Scan(&plan).Error)
		var lines []string
		for _, p := range plan {
			lines = append(lines, p.Detail)
		}
		text := strings.Join(lines, "\n")
		t.Logf("%s:\n%s", name, text)
		for _, l := range lines {
			if strings.HasPrefix(l, "SCAN ") && !strings.HasPrefix(l, "SCAN CONSTANT") {
				t.Errorf("%s scans a table: %q\n%s", name, l, text)
			}
		}
	}
}

// CaseloadSorts names every sort Caseload accepts, each once, and nothing else.
func TestCaseloadSorts_AreExactlyTheAcceptedOnes(t *testing.T) {
	seen := map[string]bool{}
	for _, col := range CaseloadSorts {
		if !ValidCaseloadSort(col) || seen[col] {
			t.Errorf("%q listed but not accepted, or twice", col)
		}
		seen[col] = true
	}
	for col := range caseloadOrder {
		if col != "" && !seen[col] {
			t.Errorf("%q accepted but not listed", col)
		}
	}
}
