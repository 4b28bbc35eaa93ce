package db

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func strPtr(s string) *string { return &s }

func TestPlan_AddListAndNoDuplicates(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		other := mustUser(t, s, "o@example.org", RoleLearner)

		sec, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Take security training",
			Addresses: []string{"sec.practices", "sec.threats"}})
		must(t, err)
		if sec.ID == 0 || sec.Status != "planned" || !sec.CreatedAt.Equal(clock.Now()) || !sec.DoneAt.IsZero() {
			t.Fatalf("added = %+v", sec)
		}
		clock.Advance(time.Minute)
		adv, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "graduate-advantage", Title: "Consider a master's"})
		must(t, err)

		// The same step again is a conflict; another learner may add it.
		if _, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Again"}); !errors.Is(err, ErrConflict) {
			t.Errorf("adding a step twice: %v, want ErrConflict", err)
		}
		if _, err := s.AddPlanItem(ctx, other.ID, NewPlanItem{Step: "security-training", Title: "Theirs"}); err != nil {
			t.Errorf("another learner adding the step: %v", err)
		}
		if _, err := s.AddPlanItem(ctx, 9999, NewPlanItem{Step: "x", Title: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v, want ErrNotFound", err)
		}

		items, err := s.PlanItems(ctx, l.ID)
		must(t, err)
		if len(items) != 2 || items[0].ID != sec.ID || items[1].ID != adv.ID {
			t.Fatalf("plan = %+v, want the two steps in the order added", items)
		}
		if !slices.Equal(items[0].Addresses, []string{"sec.practices", "sec.threats"}) || items[0].Title != "Take security training" {
			t.Errorf("kept = %+v", items[0])
		}
		if items[1].Addresses == nil || len(items[1].Addresses) != 0 {
			t.Errorf("a step addressing nothing keeps an empty list, got %#v", items[1].Addresses)
		}
		if none, err := s.PlanItems(ctx, 9999); err != nil || len(none) != 0 {
			t.Errorf("plan of nobody = %v, %v", none, err)
		}
	})
}

func TestPlan_UpdateKeepsDoneTime(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		other := mustUser(t, s, "o@example.org", RoleLearner)
		it, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Security"})
		must(t, err)

		clock.Advance(time.Hour)
		got, err := s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("in-progress")})
		must(t, err)
		if got.Status != "in-progress" || !got.DoneAt.IsZero() || !got.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("in progress = %+v", got)
		}

		clock.Advance(24 * time.Hour)
		doneAt := clock.Now()
		got, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("done"), Evidence: strPtr("Certificate 123")})
		must(t, err)
		if got.Status != "done" || !got.DoneAt.Equal(doneAt) || got.Evidence != "Certificate 123" {
			t.Errorf("done = %+v", got)
		}

		// Done again, or only the evidence changed: it stays done when it was.
		clock.Advance(24 * time.Hour)
		got, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("done")})
		must(t, err)
		if !got.DoneAt.Equal(doneAt) || got.Evidence != "Certificate 123" {
			t.Errorf("done twice = %+v", got)
		}
		got, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Evidence: strPtr("")})
		must(t, err)
		if !got.DoneAt.Equal(doneAt) || got.Evidence != "" || got.Status != "done" {
			t.Errorf("evidence cleared = %+v", got)
		}
		items, err := s.PlanItems(ctx, l.ID)
		must(t, err)
		if len(items) != 1 || !items[0].DoneAt.Equal(doneAt) || items[0].Status != "done" || !items[0].UpdatedAt.Equal(clock.Now()) {
			t.Errorf("read back = %+v", items)
		}

		// Back to planned: no longer done.
		got, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("planned")})
		must(t, err)
		if !got.DoneAt.IsZero() {
			t.Errorf("planned again still done at %v", got.DoneAt)
		}

		// Someone else's item, or none.
		for _, tc := range []struct{ user, id int64 }{{other.ID, it.ID}, {l.ID, it.ID + 100}} {
			if _, err := s.UpdatePlanItem(ctx, tc.user, tc.id, PlanChange{Status: strPtr("done")}); !errors.Is(err, ErrNotFound) {
				t.Errorf("update user %d item %d: %v, want ErrNotFound", tc.user, tc.id, err)
			}
		}
		// The table refuses a status the app does not know.
		if _, err := s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Status: strPtr("abandoned")}); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("unknown status: %v, want a refusal", err)
		}
	})
}

func TestPlan_DeleteAndCascade(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		other := mustUser(t, s, "o@example.org", RoleLearner)
		it, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Security"})
		must(t, err)
		if err := s.DeletePlanItem(ctx, other.ID, it.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting another's item: %v, want ErrNotFound", err)
		}
		must(t, s.DeletePlanItem(ctx, l.ID, it.ID))
		if err := s.DeletePlanItem(ctx, l.ID, it.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: %v, want ErrNotFound", err)
		}
		// Deleted, the step may be added again.
		_, err = s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Security"})
		must(t, err)

		_, err = s.AddPlanItem(ctx, other.ID, NewPlanItem{Step: "core-skills", Title: "Core"})
		must(t, err)
		must(t, s.DeleteUser(ctx, l.ID))
		if n := countRows(t, s, "plan_items", "user_id = ?", l.ID); n != 0 {
			t.Errorf("%d plan items left after the account was deleted", n)
		}
		if n := countRows(t, s, "plan_items", ""); n != 1 {
			t.Errorf("%d plan items in all, want the other learner's 1", n)
		}
	})
}

func TestPlan_TextKeptAsGiven(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		title := "Curso de seguridad — «online» 🔒 'quoted' \"too\""
		it, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "rec-7", Title: title})
		must(t, err)
		evidence := strings.Repeat("ñ", 500) + "\nline two"
		_, err = s.UpdatePlanItem(ctx, l.ID, it.ID, PlanChange{Evidence: &evidence})
		must(t, err)
		items, err := s.PlanItems(ctx, l.ID)
		must(t, err)
		if len(items) != 1 || items[0].Title != title || items[0].Evidence != evidence || items[0].Step != "rec-7" {
			t.Errorf("read back = %+v", items)
		}
	})
}
