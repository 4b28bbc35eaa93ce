package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSaveDraft_Upserts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "d@example.org", RoleLearner)
		must(t, s.CreateSession(ctx, Session{ID: "v", ExpiresAt: clock.Now().Add(time.Hour)}))

		for _, owner := range []DraftOwner{{UserID: u.ID}, {SessionID: "v"}} {
			must(t, s.SaveDraft(ctx, owner, Draft{ProfileID: "p1", Answers: []byte(`{"a":1}`), Section: 1}))
			clock.Advance(time.Minute)
			must(t, s.SaveDraft(ctx, owner, Draft{ProfileID: "p2", Answers: []byte(`{"a":2}`), Section: 3}))
			got, err := s.Draft(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			if got.ProfileID != "p2" || string(got.Answers) != `{"a":2}` || got.Section != 3 || !got.UpdatedAt.Equal(clock.Now()) {
				t.Errorf("draft for %+v = %+v", owner, got)
			}
		}
		if n := countRows(t, s, "drafts", ""); n != 2 {
			t.Errorf("%d draft rows, want 2", n)
		}
	})
}

func TestDraft_OwnerMustBeExactlyOne(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		for _, owner := range []DraftOwner{{}, {UserID: 1, SessionID: "x"}} {
			if err := s.SaveDraft(ctx, owner, Draft{}); err == nil {
				t.Errorf("SaveDraft(%+v) accepted", owner)
			}
			if _, err := s.Draft(ctx, owner); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Draft(%+v) err = %v", owner, err)
			}
		}
	})
}

func TestDeleteDraft(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		u := mustUser(t, s, "dd@example.org", RoleLearner)
		owner := DraftOwner{UserID: u.ID}
		must(t, s.SaveDraft(ctx, owner, Draft{ProfileID: "p", Answers: []byte(`{}`)}))
		must(t, s.DeleteDraft(ctx, owner))
		must(t, s.DeleteDraft(ctx, owner))
		if _, err := s.Draft(ctx, owner); !errors.Is(err, ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
	})
}

// At login the fuller draft is kept, whichever side made it; on a tie the
// visitor's; the caller is told which.
func TestMoveSessionDraftToUser_KeepsTheFullerDraft(t *testing.T) {
	tests := []struct {
		name           string
		userAnswers    string // "" means no user draft
		visitorAnswers string // "" means no visitor draft
		wantProfile    string // "" means no draft
		want           DraftMerge
	}{
		{"visitor draft moves", "", `{"v":1}`, "visitor", DraftMoved},
		{"a fuller visitor draft replaces the user's", `{}`, `{"v":1}`, "visitor", DraftMoved},
		{"a tie goes to the visitor's", `{"a":1}`, `{"v":1}`, "visitor", DraftMoved},
		{"a fuller user draft is kept", `{"a":1,"b":2,"c":3}`, `{"v":1}`, "user", DraftKeptAccount},
		{"no visitor draft keeps user draft", `{"a":1}`, "", "user", DraftNoneToMove},
		{"neither", "", "", "", DraftNoneToMove},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
				ctx := context.Background()
				u := mustUser(t, s, "m@example.org", RoleLearner)
				must(t, s.CreateSession(ctx, Session{ID: "v", ExpiresAt: clock.Now().Add(time.Hour)}))
				if tt.userAnswers != "" {
					must(t, s.SaveDraft(ctx, DraftOwner{UserID: u.ID}, Draft{ProfileID: "user", Answers: []byte(tt.userAnswers)}))
				}
				if tt.visitorAnswers != "" {
					must(t, s.SaveDraft(ctx, DraftOwner{SessionID: "v"}, Draft{ProfileID: "visitor", Answers: []byte(tt.visitorAnswers), Section: 2}))
				}
				got, err := s.MoveSessionDraftToUser(ctx, "v", u.ID)
				must(t, err)
				if got != tt.want {
					t.Errorf("outcome %d, want %d", got, tt.want)
				}
				d, err := s.Draft(ctx, DraftOwner{UserID: u.ID})
				switch {
				case tt.wantProfile == "" && !errors.Is(err, ErrNotFound):
					t.Errorf("user draft = %+v, %v; want none", d, err)
				case tt.wantProfile != "" && (err != nil || d.ProfileID != tt.wantProfile):
					t.Errorf("user draft = %+v, %v; want profile %q", d, err, tt.wantProfile)
				}
				if _, err := s.Draft(ctx, DraftOwner{SessionID: "v"}); !errors.Is(err, ErrNotFound) {
					t.Errorf("session still has a draft: %v", err)
				}
			})
		})
	}
}
