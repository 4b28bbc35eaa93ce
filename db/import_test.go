package db

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/readiness/readiness/account"
)

func importRow(row int, email, name, role, group, counselor string) ImportRow {
	return ImportRow{Row: row, Email: email, Name: name, Role: role, Group: group, CounselorEmail: counselor,
		Link: ResetLinkOf(account.NewResetToken())}
}

func TestImportUsers_ValidRowsInOneTransactionAndEachProblemNamed(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		casey := mustUser(t, s, "casey@example.org", RoleCounselor)
		off := mustUser(t, s, "off@example.org", RoleCounselor)
		must(t, updateDisabled(s, off.ID, true))
		mustUser(t, s, "lee@example.org", RoleLearner)
		rows := []ImportRow{
			importRow(2, "ana@example.org", "Ana", RoleLearner, "Class of 2027", "casey@example.org"),
			importRow(3, "lee@example.org", "Lee Again", RoleLearner, "", ""),
			importRow(4, "bo@example.org", "Bo", RoleLearner, "", "nobody@example.org"),
			importRow(5, "cy@example.org", "Cy", RoleLearner, "", "off@example.org"),
			importRow(6, "di@example.org", "Di", RoleLearner, "", "lee@example.org"),
			importRow(7, "ed@example.org", "Ed", RoleLearner, "Evening", "new.counselor@example.org"),
			importRow(8, "new.counselor@example.org", "Nico", RoleCounselor, "", ""),
			importRow(9, "boss@example.org", "Boss", RoleAdmin, "", ""),
		}
		dry, err := s.ImportUsers(ctx, admin.ID, rows, ImportOptions{DryRun: true})
		must(t, err)
		wantProblems := map[int]string{3: "email: An account with this email already exists.",
			4: "counselor_email: No counselor account has this email", 5: "counselor_email: belongs to a disabled counselor",
			6: "counselor_email: belongs to a learner account"}
		check := func(res ImportResult) {
			t.Helper()
			if res.Valid != 4 || len(res.Problems) != len(wantProblems) {
				t.Errorf("valid %d, problems %+v", res.Valid, res.Problems)
			}
			for _, p := range res.Problems {
				if w := wantProblems[p.Row]; !strings.HasPrefix(p.Field+": "+p.Problem, w) || w == "" {
					t.Errorf("row %d: %s: %s, want %q", p.Row, p.Field, p.Problem, w)
				}
			}
		}
		check(dry)
		if len(dry.Created) != 0 || countRows(t, s, "users", "") != 4 || countRows(t, s, "audit_log", "action = ?", ActionImport) != 0 {
			t.Fatal("a dry run wrote something")
		}

		res, err := s.ImportUsers(ctx, admin.ID, rows, ImportOptions{})
		must(t, err)
		check(res)
		var got []string
		for _, c := range res.Created {
			got = append(got, fmt.Sprintf("%d %s %s %v", c.Row, c.User.Email, c.User.Role, c.Link.Invite))
			if c.User.PasswordSet || c.Link.UserID != c.User.ID || !c.Link.ExpiresAt.Equal(clock.Now().Add(account.ResetLinkValidity)) {
				t.Errorf("created %+v", c)
			}
		}
		if strings.Join(got, "; ") != "2 ana@example.org learner true; 7 ed@example.org learner true; 8 new.counselor@example.org counselor true; 9 boss@example.org admin true" {
			t.Errorf("created: %s", strings.Join(got, "; "))
		}
		// Links to a registered counselor and to one made by this import.
		if ok, _ := s.IsLinked(ctx, casey.ID, res.Created[0].User.ID); !ok {
			t.Error("ana is not linked to casey")
		}
		nico := res.Created[2].User
		if ok, _ := s.IsLinked(ctx, nico.ID, res.Created[1].User.ID); !ok || nico.ShareCode == "" {
			t.Error("ed is not linked to the counselor made by the same import")
		}
		cs, _ := s.CounselorsOf(ctx, res.Created[0].User.ID)
		if len(cs) != 1 || !cs[0].ByAdmin || cs[0].LinkedBy != admin.Name {
			t.Errorf("ana's link: %+v", cs)
		}
		if u, _ := s.UserByEmail(ctx, "ed@example.org"); u.Group != "Evening" {
			t.Errorf("ed's group %q", u.Group)
		}
		// Each invitation works.
		for _, r := range rows {
			if r.Row == 2 {
				if _, err := s.ResetLinkFor(ctx, r.Link.Selector, r.Link.VerifierHash); err != nil {
					t.Errorf("ana's invitation: %v", err)
				}
			}
		}
		log, _ := s.AuditLog(ctx, AuditQuery{Kind: KindAdmin, Limit: 1})
		if len(log) != 1 || log[0].Action != ActionImport || log[0].Detail != "created 4 of 8 rows; 4 refused" || log[0].ActorID != admin.ID {
			t.Errorf("the import's audit row: %+v", log)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{PersonEmail: "ana@example.org"}); n != 2 {
			t.Errorf("ana's audit rows: %d, want creation and link", n)
		}
		// Importing the same file again creates nobody: every email is taken now.
		again, err := s.ImportUsers(ctx, admin.ID, rows, ImportOptions{})
		must(t, err)
		if again.Valid != 0 || len(again.Created) != 0 || len(again.Problems) != len(rows) {
			t.Errorf("second import: %+v", again)
		}
	})
}

// A row that fails as it is written rolls the whole import back: nothing
// is half made.
func TestImportUsers_AFailureMidwayLeavesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		before := countRows(t, s, "users", "")
		dupLink := ResetLinkOf(account.NewResetToken())
		rows := []ImportRow{
			importRow(2, "a@example.org", "A", RoleLearner, "", ""),
			{Row: 3, Email: "b@example.org", Name: "B", Role: RoleLearner, Link: dupLink},
			{Row: 4, Email: "c@example.org", Name: "C", Role: RoleLearner, Link: dupLink}, // the same selector: the insert fails
		}
		if _, err := s.ImportUsers(ctx, admin.ID, rows, ImportOptions{}); err == nil {
			t.Fatal("an import whose write fails reports success")
		}
		for table, want := range map[string]int64{"users": before, "reset_links": 0, "audit_log": 0} {
			if n := countRows(t, s, table, ""); n != want {
				t.Errorf("%s: %d rows after a failed import, want %d", table, n, want)
			}
		}
	})
}

// BenchmarkImportUsers5000 is a 5,000-person roster (a tenth of them
// counselors' learners): go test ./db -run '^$' -bench ImportUsers -benchtime 3x
func BenchmarkImportUsers5000(b *testing.B) {
	for _, d := range dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				s, _ := openDialect(b, d)
				admin := mustUser(b, s, "ada@example.org", RoleAdmin)
				mustUser(b, s, "casey@example.org", RoleCounselor)
				rows := make([]ImportRow, 5000)
				for i := range rows {
					c := ""
					if i%10 == 0 {
						c = "casey@example.org"
					}
					rows[i] = importRow(i+2, fmt.Sprintf("learner%04d@example.org", i), fmt.Sprintf("Learner %04d", i), RoleLearner, "Class of 2027", c)
				}
				b.StartTimer()
				res, err := s.ImportUsers(ctx, admin.ID, rows, ImportOptions{})
				if err != nil || len(res.Created) != 5000 {
					b.Fatalf("import: %d created, %v", len(res.Created), err)
				}
			}
		})
	}
}
