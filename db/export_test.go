package db

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestExportUser_HasOwnDataButNoHashOrNotes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		l := mustUser(t, s, "l@example.org", RoleLearner)
		c := mustUser(t, s, "c@example.org", RoleCounselor)
		_, err := s.CreateAssessment(ctx, l.ID, result(50, "building"))
		must(t, err)
		must(t, s.SaveDraft(ctx, DraftOwner{UserID: l.ID}, Draft{ProfileID: "p", Answers: []byte(`{"q":2}`), Section: 1}))
		_, err = s.ShareWith(ctx, l.ID, c.ShareCode)
		must(t, err)
		_, err = s.AddNote(ctx, c.ID, l.ID, "SECRET-NOTE")
		must(t, err)
		item, err := s.AddPlanItem(ctx, l.ID, NewPlanItem{Step: "security-training", Title: "Security training", Addresses: []string{"sec.practices"}})
		must(t, err)
		done, evidence := "done", "Web security course, City College"
		_, err = s.UpdatePlanItem(ctx, l.ID, item.ID, PlanChange{Status: &done, Evidence: &evidence})
		must(t, err)

		ex, err := s.ExportUser(ctx, l.ID)
		must(t, err)
		if ex.User.Email != l.Email || len(ex.Assessments) != 1 || ex.Draft == nil || len(ex.Counselors) != 1 {
			t.Fatalf("export = %+v", ex)
		}
		out, err := json.Marshal(ex)
		must(t, err)
		for _, forbidden := range []string{"SECRET-NOTE", "hash"} {
			if strings.Contains(string(out), forbidden) {
				t.Errorf("export contains %q: %s", forbidden, out)
			}
		}
		if !strings.Contains(string(out), `"answers":{"q1":"yes"}`) {
			t.Errorf("answers not embedded as JSON: %s", out)
		}
		if len(ex.Plan) != 1 || ex.Plan[0].Step != "security-training" || ex.Plan[0].Evidence != evidence ||
			ex.Plan[0].DoneAt == nil || !ex.Plan[0].DoneAt.Equal(clock.Now()) {
			t.Errorf("plan in the export = %+v", ex.Plan)
		}

		empty, err := s.ExportUser(ctx, c.ID)
		must(t, err)
		out, _ = json.Marshal(empty)
		if !strings.Contains(string(out), `"assessments":[]`) || !strings.Contains(string(out), `"plan":[]`) || strings.Contains(string(out), `"draft"`) {
			t.Errorf("empty export = %s", out)
		}
	})
}
