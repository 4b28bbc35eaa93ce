package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShareWith_Codes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		learner := mustUser(t, s, "l@example.org", RoleLearner)
		counselor := mustUser(t, s, "c@example.org", RoleCounselor)
		disabled := mustUser(t, s, "off@example.org", RoleCounselor)
		must(t, updateDisabled(s, disabled.ID, true))
		demoted := mustUser(t, s, "demoted@example.org", RoleCounselor)
		must(t, updateRole(s, demoted.ID, RoleLearner))

		tests := []struct {
			name    string
			learner int64
			code    string
			wantErr error
		}{
			{"exact code", learner.ID, counselor.ShareCode, nil},
			{"lower case and spaces", learner.ID, "  " + strings.ToLower(counselor.ShareCode) + " ", nil},
			{"already linked", learner.ID, counselor.ShareCode, nil},
			{"unknown code", learner.ID, "ZZZZZZZZ", ErrInvalidShareCode},
			{"empty code", learner.ID, "", ErrInvalidShareCode},
			{"disabled counselor", learner.ID, disabled.ShareCode, ErrInvalidShareCode},
			{"no longer a counselor", learner.ID, demoted.ShareCode, ErrInvalidShareCode},
			{"own code", counselor.ID, counselor.ShareCode, ErrInvalidShareCode},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ShareWith(ctx, tt.learner, tt.code)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if err == nil && (got.ID != counselor.ID || got.Email != counselor.Email || got.Name != counselor.Name || got.Since.IsZero()) {
					t.Errorf("counselor = %+v", got)
				}
			})
		}
		if n := countRows(t, s, "counselor_links", ""); n != 1 {
			t.Errorf("%d links, want 1", n)
		}
	})
}

func TestShareWith_UnknownLearner(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		if _, err := s.ShareWith(context.Background(), 999, c.ShareCode); !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestUnshare(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		learner := mustUser(t, s, "l@example.org", RoleLearner)
		c1 := mustUser(t, s, "c1@example.org", RoleCounselor)
		c2 := mustUser(t, s, "c2@example.org", RoleCounselor)
		_, err := s.ShareWith(ctx, learner.ID, c1.ShareCode)
		must(t, err)
		clock.Advance(time.Minute)
		_, err = s.ShareWith(ctx, learner.ID, c2.ShareCode)
		must(t, err)

		cs, err := s.CounselorsOf(ctx, learner.ID)
		must(t, err)
		if len(cs) != 2 || cs[0].ID != c1.ID || cs[1].ID != c2.ID || !cs[1].Since.Equal(clock.Now()) {
			t.Fatalf("CounselorsOf = %+v", cs)
		}
		if ok, _ := s.IsLinked(ctx, c1.ID, learner.ID); !ok {
			t.Error("IsLinked = false before unshare")
		}

		must(t, s.Unshare(ctx, learner.ID, c1.ID))
		if ok, _ := s.IsLinked(ctx, c1.ID, learner.ID); ok {
			t.Error("IsLinked = true after unshare")
		}
		if err := s.Unshare(ctx, learner.ID, c1.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second unshare: %v, want ErrNotFound", err)
		}
		cs, _ = s.CounselorsOf(ctx, learner.ID)
		if len(cs) != 1 || cs[0].ID != c2.ID {
			t.Errorf("CounselorsOf after unshare = %+v", cs)
		}
	})
}

func TestCaseload_JoinsStatsFiltersAndSorts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		ann := mustUser(t, s, "ann@example.org", RoleLearner)
		bob := mustUser(t, s, "bob@example.org", RoleLearner)
		cat := mustUser(t, s, "cat@example.org", RoleLearner) // no assessments
		outsider := mustUser(t, s, "out@example.org", RoleLearner)
		for _, u := range []User{ann, bob, cat} {
			_, err := s.ShareWith(ctx, u.ID, c.ShareCode)
			must(t, err)
		}
		for _, step := range []struct {
			u       User
			overall float64
			band    string
		}{{ann, 40, "building"}, {bob, 70, "ready"}, {ann, 60, "ready"}, {outsider, 99, "ready"}} {
			clock.Advance(time.Hour)
			_, err := s.CreateAssessment(ctx, step.u.ID, result(step.overall, step.band))
			must(t, err)
		}
		must(t, s.SetFlagged(ctx, c.ID, bob.ID, true))

		tests := []struct {
			name string
			q    CaseloadQuery
			want []int64
		}{
			{"all by name", CaseloadQuery{}, []int64{ann.ID, bob.ID, cat.ID}},
			{"by overall, none last", CaseloadQuery{Sort: SortByOverall, Desc: true}, []int64{bob.ID, ann.ID, cat.ID}},
			{"by activity", CaseloadQuery{Sort: SortByActivity, Desc: true}, []int64{ann.ID, bob.ID, cat.ID}},
			{"band filter", CaseloadQuery{Band: "ready", Sort: SortByName}, []int64{ann.ID, bob.ID}},
			{"flagged only", CaseloadQuery{FlaggedOnly: true}, []int64{bob.ID}},
			{"paged", CaseloadQuery{Limit: 1, Offset: 1}, []int64{bob.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Caseload(ctx, c.ID, tt.q)
				must(t, err)
				var ids []int64
				for _, e := range got {
					ids = append(ids, e.LearnerID)
				}
				if len(ids) != len(tt.want) {
					t.Fatalf("ids %v, want %v", ids, tt.want)
				}
				for i := range ids {
					if ids[i] != tt.want[i] {
						t.Fatalf("ids %v, want %v", ids, tt.want)
					}
				}
				if tt.q.Limit == 0 {
					n, err := s.CountCaseload(ctx, c.ID, tt.q)
					if err != nil || n != len(tt.want) {
						t.Errorf("CountCaseload = %d, %v", n, err)
					}
				}
			})
		}

		all, _ := s.Caseload(ctx, c.ID, CaseloadQuery{})
		a := all[0]
		if a.Attempts != 2 || *a.LatestOverall != 60 || *a.LatestBand != "ready" || *a.PreviousOverall != 40 ||
			!*a.BachelorMet || a.LastActivityAt.Location() != time.UTC || a.Flagged {
			t.Errorf("ann's entry = %+v", a)
		}
		if e := all[2]; e.Attempts != 0 || e.LatestOverall != nil || e.LastActivityAt != nil {
			t.Errorf("cat's entry = %+v", e)
		}
		if _, err := s.Caseload(ctx, c.ID, CaseloadQuery{Sort: "password_hash"}); err == nil {
			t.Error("unknown sort accepted")
		}
	})
}

func TestNotes_OnlyForLinkedLearners(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		l := mustUser(t, s, "l@example.org", RoleLearner)
		if _, err := s.AddNote(ctx, c.ID, l.ID, "too early"); !errors.Is(err, ErrNotFound) {
			t.Errorf("note before link: %v, want ErrNotFound", err)
		}
		_, err := s.ShareWith(ctx, l.ID, c.ShareCode)
		must(t, err)
		_, err = s.AddNote(ctx, c.ID, l.ID, "first")
		must(t, err)
		clock.Advance(time.Minute)
		_, err = s.AddNote(ctx, c.ID, l.ID, "second")
		must(t, err)
		notes, err := s.Notes(ctx, c.ID, l.ID)
		must(t, err)
		if len(notes) != 2 || notes[0].Text != "second" || !notes[0].CreatedAt.Equal(clock.Now()) {
			t.Errorf("Notes = %+v", notes)
		}
		if err := s.SetFlagged(ctx, c.ID, 999, true); !errors.Is(err, ErrNotFound) {
			t.Errorf("flag unlinked: %v", err)
		}
	})
}

// A follow-up flag survives the learner stopping and starting to share
// again, by share code or by an admin's link; a demotion ends it with the
// links.
func TestReshare_KeepsTheFollowUpFlag(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		learner := mustUser(t, s, "l@example.org", RoleLearner)
		other := mustUser(t, s, "o@example.org", RoleLearner)
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		flagged := func(id int64) bool {
			e, err := s.CaseloadLearner(ctx, c.ID, id, clock.Now())
			must(t, err)
			return e.Flagged
		}
		for _, l := range []User{learner, other} {
			_, err := s.ShareWith(ctx, l.ID, c.ShareCode)
			must(t, err)
		}
		must(t, s.SetFlagged(ctx, c.ID, learner.ID, true))

		must(t, s.Unshare(ctx, learner.ID, c.ID))
		must(t, s.Unshare(ctx, other.ID, c.ID))
		_, err := s.ShareWith(ctx, learner.ID, c.ShareCode)
		must(t, err)
		must(t, s.Link(ctx, 0, other.ID, c.ID))
		if !flagged(learner.ID) || flagged(other.ID) {
			t.Fatalf("after sharing again: flagged %v and %v, want true and false", flagged(learner.ID), flagged(other.ID))
		}
		// Sharing twice in a row, or through the admin, leaves it as it is.
		_, err = s.ShareWith(ctx, learner.ID, c.ShareCode)
		must(t, err)
		must(t, s.Link(ctx, 0, learner.ID, c.ID))
		if !flagged(learner.ID) {
			t.Fatal("sharing again while shared cleared the flag")
		}
		// An admin's unlink keeps it aside too.
		must(t, s.Unlink(ctx, 0, learner.ID, c.ID))
		must(t, s.Link(ctx, 0, learner.ID, c.ID))
		if !flagged(learner.ID) {
			t.Fatal("an admin's unlink and link cleared the flag")
		}
		// Removed by the counselor, it stays removed after a pause.
		must(t, s.SetFlagged(ctx, c.ID, learner.ID, false))
		must(t, s.Unshare(ctx, learner.ID, c.ID))
		must(t, s.Link(ctx, 0, learner.ID, c.ID))
		if flagged(learner.ID) {
			t.Fatal("a flag the counselor removed came back")
		}
		// A demoted counselor loses links and kept flags alike.
		must(t, s.SetFlagged(ctx, c.ID, learner.ID, true))
		must(t, s.Unshare(ctx, learner.ID, c.ID))
		must(t, updateRole(s, c.ID, RoleLearner))
		must(t, updateRole(s, c.ID, RoleCounselor))
		must(t, s.Link(ctx, 0, learner.ID, c.ID))
		if flagged(learner.ID) {
			t.Fatal("a flag came back to a counselor demoted in between")
		}
	})
}

// A saved visitor result's old id leads to the stored one.
func TestClaimVisitorResults_RemembersWhereEachWent(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "v@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "visit", ExpiresAt: clock.Now().Add(time.Hour)}))
		v, err := s.CreateVisitorResult(ctx, "visit", NewResult{ProfileID: "p", ProfileVersion: "1", Answers: []byte(`{}`), Result: []byte(`{}`), Overall: 50, Band: "developing"})
		must(t, err)
		if _, _, err := s.ClaimedResult(ctx, v.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("before the claim: %v, want ErrNotFound", err)
		}
		saved, err := s.ClaimVisitorResults(ctx, "visit", u.ID)
		must(t, err)
		if len(saved) != 1 {
			t.Fatalf("claimed %d results, want 1", len(saved))
		}
		uid, aid, err := s.ClaimedResult(ctx, v.ID)
		must(t, err)
		if uid != u.ID || aid != saved[0].ID {
			t.Errorf("ClaimedResult = %d, %d; want %d, %d", uid, aid, u.ID, saved[0].ID)
		}
		must(t, s.DeleteUser(ctx, u.ID))
		if _, _, err := s.ClaimedResult(ctx, v.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("after the account is deleted: %v, want ErrNotFound", err)
		}
	})
}
