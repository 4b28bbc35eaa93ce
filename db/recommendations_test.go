package db

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRecommendations_OnlyWhileSharingAndKeptAfter(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		other := mustUser(t, s, "other@example.org", RoleLearner)
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		c2 := mustUser(t, s, "c2@example.org", RoleCounselor)

		if _, err := s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Title: "t", Text: "x"}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("before sharing: err = %v, want ErrNotFound", err)
		}
		_, err := s.ShareWith(ctx, l.ID, c.ShareCode)
		must(t, err)
		_, err = s.ShareWith(ctx, l.ID, c2.ShareCode)
		must(t, err)

		catalog, err := s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Step: "security-training", Title: "Security training", Text: "The May course."})
		must(t, err)
		clock.Advance(time.Minute)
		own, err := s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Title: "Evening HTML", Text: "Tuesdays at the library.", URL: "https://example.org/html"})
		must(t, err)
		clock.Advance(time.Minute)
		theirs, err := s.AddRecommendation(ctx, c2.ID, l.ID, NewRecommendation{Title: "Mentoring", Text: "Ask Sam."})
		must(t, err)
		if catalog.CounselorName != c.Name || own.ID == 0 || own.CreatedAt.IsZero() {
			t.Fatalf("added = %+v / %+v", catalog, own)
		}

		all, err := s.Recommendations(ctx, l.ID)
		must(t, err)
		if len(all) != 3 || all[0].ID != theirs.ID || all[1].ID != own.ID || all[2].ID != catalog.ID {
			t.Fatalf("learner's list = %+v, want newest first", all)
		}
		if all[2].Step != "security-training" || all[1].Step != "" || all[1].URL != "https://example.org/html" || all[2].CounselorID != c.ID {
			t.Errorf("rows read back = %+v", all)
		}
		mine, err := s.RecommendationsBy(ctx, c.ID, l.ID)
		must(t, err)
		if len(mine) != 2 || mine[0].ID != own.ID || mine[1].ID != catalog.ID {
			t.Errorf("counselor's own = %+v, want two", mine)
		}

		got, err := s.Recommendation(ctx, l.ID, own.ID)
		must(t, err)
		if got != all[1] {
			t.Errorf("Recommendation = %+v, want %+v", got, all[1])
		}
		if _, err := s.Recommendation(ctx, other.ID, own.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another learner's id: err = %v, want ErrNotFound", err)
		}

		// Only the author deletes, and only while the learner shares.
		if err := s.DeleteRecommendation(ctx, c2.ID, l.ID, own.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a colleague deleting: err = %v, want ErrNotFound", err)
		}
		must(t, s.DeleteRecommendation(ctx, c.ID, l.ID, own.ID))
		if err := s.DeleteRecommendation(ctx, c.ID, l.ID, own.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: err = %v, want ErrNotFound", err)
		}
		must(t, s.Unshare(ctx, l.ID, c.ID))
		if err := s.DeleteRecommendation(ctx, c.ID, l.ID, catalog.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("after unsharing, delete: err = %v, want ErrNotFound", err)
		}
		if _, err := s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Title: "t", Text: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("after unsharing, add: err = %v, want ErrNotFound", err)
		}

		// The learner keeps what was given, even once the counselor is gone.
		must(t, s.DeleteUser(ctx, c.ID))
		kept, err := s.Recommendation(ctx, l.ID, catalog.ID)
		must(t, err)
		if kept.CounselorID != 0 || kept.CounselorName != c.Name || kept.Title != "Security training" {
			t.Errorf("after the counselor's account went: %+v", kept)
		}
		all, err = s.Recommendations(ctx, l.ID)
		must(t, err)
		if len(all) != 2 {
			t.Errorf("learner keeps %d, want 2", len(all))
		}

		// Deleting the learner takes them all.
		must(t, s.DeleteUser(ctx, l.ID))
		if n := countRows(t, s, "recommendations", ""); n != 0 {
			t.Errorf("%d recommendations left after deleting the learner", n)
		}
	})
}

func TestExportUser_HasRecommendations(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		_, err := s.ShareWith(ctx, l.ID, c.ShareCode)
		must(t, err)
		_, err = s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Title: "Evening HTML", Text: "Tuesdays", URL: "https://example.org/"})
		must(t, err)
		_, err = s.AddRecommendation(ctx, c.ID, l.ID, NewRecommendation{Step: "certification", Title: "Certification", Text: "Any"})
		must(t, err)
		ex, err := s.ExportUser(ctx, l.ID)
		must(t, err)
		out, err := json.Marshal(ex.Recommendations)
		must(t, err)
		for _, want := range []string{`"step":null,"title":"Evening HTML"`, `"url":"https://example.org/"`, `"step":"certification"`, `"counselor":"` + c.Name + `"`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("export's recommendations lack %s: %s", want, out)
			}
		}
	})
}
