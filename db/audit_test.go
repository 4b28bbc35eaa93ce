package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/account"
)

func auditActions(entries []AuditEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Action+" "+e.Detail)
	}
	return out
}

func TestUpdateUser_EachChangeIsAuditedByItsActor(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		l := mustUser(t, s, "lee@example.org", RoleLearner)
		c := mustUser(t, s, "cas@example.org", RoleCounselor)
		must(t, s.Link(ctx, admin.ID, l.ID, c.ID))

		group, name := "  Class   of 2027 ", "Lee Ng"
		u, err := s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Group: &group, Name: &name})
		must(t, err)
		if u.Group != "Class of 2027" || u.Name != "Lee Ng" || u.PasswordHash == "" {
			t.Errorf("after update: %+v", u)
		}
		// The name is searchable at once.
		if found, _ := s.Users(ctx, UserQuery{Q: "lee ng"}); len(found) != 1 {
			t.Errorf("search by the new name found %d", len(found))
		}
		clock.Advance(time.Minute)
		same := "class of 2027"
		u, err = s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Group: &same, Name: &name}) // a new spelling, the same name
		must(t, err)
		if u.Group != "class of 2027" {
			t.Errorf("respelt group = %q", u.Group)
		}
		on := true
		_, err = s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Disabled: &on})
		must(t, err)

		log, err := s.AuditLog(ctx, AuditQuery{PersonID: l.ID})
		must(t, err)
		want := []string{
			"user.disable ",
			"user.group Class of 2027 → class of 2027",
			"user.name Name lee@example.org → Lee Ng",
			"user.group no group → Class of 2027",
			"link.create with counselor cas@example.org",
		}
		if got := auditActions(log); len(got) != len(want) {
			t.Fatalf("audit of lee = %q, want %q", got, want)
		} else {
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("audit row %d = %q, want %q", i, got[i], want[i])
				}
			}
		}
		for _, e := range log {
			if e.Kind != KindAdmin || e.ActorID != admin.ID || e.ActorEmail != "ada@example.org" || e.SubjectID != l.ID || e.SubjectEmail != "lee@example.org" || e.At.IsZero() {
				t.Errorf("audit row %+v: wrong actor, subject or time", e)
			}
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{PersonID: admin.ID}); n != 5 {
			t.Errorf("the admin's rows: %d, want 5 (they are the actor)", n)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{PersonEmail: "cas@example.org"}); n != 0 {
			t.Errorf("rows naming cas by email: %d (only the detail mentions them)", n)
		}
		// The command line is an actor too.
		must(t, updateDisabled(s, l.ID, false))
		if log, _ := s.AuditLog(ctx, AuditQuery{Limit: 1}); len(log) != 1 || log[0].ActorID != 0 || log[0].ActorName != "command line" || log[0].Action != ActionUserEnable {
			t.Errorf("newest row = %+v", log)
		}
	})
}

func TestUpdateUser_RulesHold(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		l := mustUser(t, s, "lee@example.org", RoleLearner)
		c := mustUser(t, s, "cas@example.org", RoleCounselor)
		other := mustUser(t, s, "oli@example.org", RoleLearner)
		must(t, s.Link(ctx, admin.ID, l.ID, c.ID))
		must(t, s.Link(ctx, admin.ID, other.ID, c.ID))
		group := "Evening"
		_, err := s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Group: &group})
		must(t, err)
		before, _ := s.CountAudit(ctx, AuditQuery{})

		learner, counselor, bad := RoleLearner, RoleCounselor, "owner"
		empty, long := "  ", strings.Repeat("x", account.MaxGroupChars+1)
		tests := []struct {
			name string
			id   int64
			ch   UserChange
			want error
		}{
			{"group for a counselor", c.ID, UserChange{Group: &group}, ErrGroupNotLearner},
			{"promote and keep a group", l.ID, UserChange{Role: &counselor, Group: &group}, ErrGroupNotLearner},
			{"unknown role", l.ID, UserChange{Role: &bad}, nil},
			{"empty name", l.ID, UserChange{Name: &empty}, nil},
			{"group too long", l.ID, UserChange{Group: &long}, nil},
			{"unknown id", 999, UserChange{Role: &learner}, ErrNotFound},
		}
		for _, tt := range tests {
			_, err := s.UpdateUser(ctx, admin.ID, tt.id, tt.ch)
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		}
		var p *account.Problem
		if _, err := s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Name: &empty}); !errors.As(err, &p) || p.Field != "name" {
			t.Errorf("an empty name is not the account rule's problem: %v", err)
		}
		if after, _ := s.CountAudit(ctx, AuditQuery{}); after != before {
			t.Errorf("refused changes wrote %d audit rows", after-before)
		}
		if u, _ := s.UserByID(ctx, l.ID); u.Role != RoleLearner || u.Group != "Evening" {
			t.Errorf("a refused change left %+v", u)
		}

		// Leaving the learner role leaves the group and the links as a learner.
		u, err := s.UpdateUser(ctx, admin.ID, l.ID, UserChange{Role: &counselor})
		must(t, err)
		if u.Group != "" || u.ShareCode == "" {
			t.Errorf("promoted learner = %+v", u)
		}
		if cs, _ := s.CounselorsOf(ctx, l.ID); len(cs) != 0 {
			t.Errorf("a counselor still shares as a learner: %+v", cs)
		}
		// Demoting a counselor ends every link they had to learners.
		_, err = s.UpdateUser(ctx, admin.ID, c.ID, UserChange{Role: &learner})
		must(t, err)
		if ok, _ := s.IsLinked(ctx, c.ID, other.ID); ok {
			t.Error("a demoted counselor keeps a learner")
		}
		// The last enabled admin keeps the role and stays enabled.
		on := true
		for _, ch := range []UserChange{{Role: &learner}, {Disabled: &on}} {
			if _, err := s.UpdateUser(ctx, admin.ID, admin.ID, ch); !errors.Is(err, ErrLastAdmin) {
				t.Errorf("last admin %+v: %v", ch, err)
			}
		}
		log, _ := s.AuditLog(ctx, AuditQuery{PersonID: c.ID, Limit: 1})
		if len(log) != 1 || log[0].Action != ActionUserRole || log[0].Detail != "counselor → learner" {
			t.Errorf("demotion audit = %+v", log)
		}
	})
}

func TestGroups_FilterSortAndCount(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		mk := func(email, group string) User {
			u, err := s.CreateUser(ctx, NewUser{Email: email, Name: email, PasswordHash: "h", Role: RoleLearner, Group: group})
			must(t, err)
			return u
		}
		mk("a@example.org", "Class of 2027")
		mk("b@example.org", "class of 2027")
		mk("c@example.org", "Class  of 2027")
		mk("d@example.org", "Evening")
		mk("e@example.org", "")
		if _, err := s.CreateUser(ctx, NewUser{Email: "f@example.org", Name: "f", PasswordHash: "h", Role: RoleCounselor, Group: "Evening"}); !errors.Is(err, ErrGroupNotLearner) {
			t.Errorf("a counselor in a group: %v", err)
		}
		gs, err := s.Groups(ctx)
		must(t, err)
		if len(gs) != 2 || gs[0] != (Group{"Class of 2027", 3}) || gs[1] != (Group{"Evening", 1}) {
			t.Errorf("Groups = %+v", gs)
		}
		got, err := s.Users(ctx, UserQuery{Group: "CLASS OF 2027"})
		must(t, err)
		if len(got) != 3 {
			t.Errorf("filter by group found %d", len(got))
		}
		got, err = s.Users(ctx, UserQuery{Sort: UserSortByGroup})
		must(t, err)
		if got[0].Group == "" || got[len(got)-1].Group != "" || got[len(got)-2].Group != "Evening" {
			t.Errorf("sorted by group: first %q, last %q", got[0].Group, got[len(got)-1].Group)
		}
		got, err = s.Users(ctx, UserQuery{Sort: UserSortByEmail, Desc: true})
		must(t, err)
		if got[0].Email != "e@example.org" {
			t.Errorf("by email descending starts with %s", got[0].Email)
		}
		if _, err := s.Users(ctx, UserQuery{Sort: "password"}); err == nil {
			t.Error("an unknown sort is accepted")
		}
	})
}

func TestRecordAccess_LearnerSeesItAndDeletingTheAccountTakesIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		l := mustUser(t, s, "lee@example.org", RoleLearner)
		c := mustUser(t, s, "cas@example.org", RoleCounselor)
		must(t, s.Link(ctx, admin.ID, l.ID, c.ID))
		must(t, s.RecordAccess(ctx, c.ID, l.ID, ActionResultsPage))
		clock.Advance(time.Hour)
		must(t, s.RecordAccess(ctx, c.ID, l.ID, ActionResultsAPI))
		if err := s.RecordAccess(ctx, c.ID, 999, ActionResultsPage); !errors.Is(err, ErrNotFound) {
			t.Errorf("access to an unknown learner: %v", err)
		}
		if err := s.RecordAccess(ctx, 0, l.ID, ActionResultsPage); err == nil {
			t.Error("access by no one recorded")
		}
		acc, err := s.AccessLog(ctx, l.ID, 10, 0)
		must(t, err)
		if len(acc) != 2 || acc[0].Action != ActionResultsAPI || acc[1].Action != ActionResultsPage ||
			acc[0].ActorName != "Name cas@example.org" || !acc[0].At.Equal(acc[1].At.Add(time.Hour)) {
			t.Errorf("AccessLog = %+v", acc)
		}
		if n, _ := s.CountAccessLog(ctx, l.ID); n != 2 {
			t.Errorf("CountAccessLog = %d", n)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{Kind: KindAccess}); n != 2 {
			t.Errorf("access rows = %d", n)
		}
		if n, _ := s.CountAudit(ctx, AuditQuery{Kind: KindAdmin}); n != 1 {
			t.Errorf("admin rows = %d", n)
		}

		// The learner's data export carries their record of access.
		ex, err := s.ExportUser(ctx, l.ID)
		must(t, err)
		if len(ex.Access) != 2 || ex.Access[0].Action != ActionResultsPage || ex.Access[1].ByEmail != "cas@example.org" {
			t.Errorf("export access = %+v", ex.Access)
		}
		// The counselor's account goes: the learner's record still names them.
		must(t, s.DeleteUser(ctx, c.ID))
		acc, _ = s.AccessLog(ctx, l.ID, 10, 0)
		if len(acc) != 2 || acc[0].ActorID != 0 || acc[0].ActorEmail != "cas@example.org" {
			t.Errorf("after the counselor's account went: %+v", acc)
		}
		// The learner's account goes: their record of access goes with their
		// results; the admin's link stays in the log, naming them as they were.
		must(t, s.DeleteUser(ctx, l.ID))
		if n := countRows(t, s, "audit_log", "kind = ?", KindAccess); n != 0 {
			t.Errorf("%d access rows outlive the learner", n)
		}
		log, _ := s.AuditLog(ctx, AuditQuery{PersonEmail: "lee@example.org"})
		if len(log) != 1 || log[0].Action != ActionLinkCreate || log[0].SubjectID != 0 || log[0].SubjectName != "Name lee@example.org" {
			t.Errorf("admin rows about the deleted learner: %+v", log)
		}
	})
}

func TestLinkAndUnlink_AdminLinksAreMarkedAndAudited(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		admin := mustUser(t, s, "ada@example.org", RoleAdmin)
		l := mustUser(t, s, "lee@example.org", RoleLearner)
		c1 := mustUser(t, s, "c1@example.org", RoleCounselor)
		c2 := mustUser(t, s, "c2@example.org", RoleCounselor)
		must(t, s.Link(ctx, admin.ID, l.ID, c1.ID))
		must(t, s.Link(ctx, admin.ID, l.ID, c1.ID)) // again: no second row
		if _, err := s.ShareWith(ctx, l.ID, c2.ShareCode); err != nil {
			t.Fatal(err)
		}
		cs, err := s.CounselorsOf(ctx, l.ID)
		must(t, err)
		if len(cs) != 2 || !cs[0].ByAdmin || cs[0].LinkedBy != "Name ada@example.org" || cs[1].ByAdmin || cs[1].LinkedBy != "" {
			t.Errorf("CounselorsOf = %+v", cs)
		}
		links, _ := s.LinksOf(ctx, []int64{l.ID})
		if len(links) != 2 || !links[0].ByAdmin || links[1].ByAdmin {
			t.Errorf("LinksOf = %+v", links)
		}
		must(t, s.Unlink(ctx, admin.ID, l.ID, c2.ID))
		if err := s.Unlink(ctx, admin.ID, l.ID, c2.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("unlinking twice: %v", err)
		}
		// The admin's account goes (another admin stays); the learner still
		// sees an admin made the link.
		mustUser(t, s, "root@example.org", RoleAdmin)
		must(t, s.DeleteUser(ctx, admin.ID))
		cs, _ = s.CounselorsOf(ctx, l.ID)
		if len(cs) != 1 || !cs[0].ByAdmin || cs[0].LinkedBy != "" {
			t.Errorf("after the admin's account went: %+v", cs)
		}
		log, _ := s.AuditLog(ctx, AuditQuery{PersonID: l.ID})
		if got := auditActions(log); len(got) != 2 || got[0] != "link.remove with counselor c2@example.org" || got[1] != "link.create with counselor c1@example.org" {
			t.Errorf("audit = %q", got)
		}
	})
}

func TestDeleteUser_TheLastEnabledAdminStays(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		a1 := mustUser(t, s, "a1@example.org", RoleAdmin)
		a2 := mustUser(t, s, "a2@example.org", RoleAdmin)
		must(t, updateDisabled(s, a2.ID, true))
		if err := s.DeleteUser(ctx, a1.ID); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("deleting the last enabled admin: %v", err)
		}
		must(t, s.DeleteUser(ctx, a2.ID)) // a disabled admin may go
		a3 := mustUser(t, s, "a3@example.org", RoleAdmin)
		must(t, s.DeleteUser(ctx, a1.ID)) // another enabled admin: fine
		if _, err := s.UserByID(ctx, a3.ID); err != nil {
			t.Error(err)
		}
	})
}
