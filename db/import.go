package db

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/readiness/readiness/account"
)

// Roster import: many accounts at once, each with an invitation link, in
// one transaction. The rows come checked against the account rules
// (package roster); what only the database knows is checked here.

// ImportRow is one person to create. Row is its row in the file, for the
// problems; Link is the stored part of its invitation token.
type ImportRow struct {
	Row            int
	Email          string // normalised
	Name           string
	Role           string
	Group          string
	CounselorEmail string // "" for none
	Link           NewResetLink
}

// ImportProblem is what the database says is wrong with one row.
type ImportProblem struct {
	Row     int
	Field   string
	Problem string
}

// Imported is a person an import created, with their invitation link.
type Imported struct {
	Row  int
	User User
	Link ResetLink
}

// ImportResult says what an import did (or, for a dry run, would do):
// the rows it refused and why; and, unless a dry run, whom it created.
type ImportResult struct {
	Valid    int // rows that are (or would be) created
	Created  []Imported
	Problems []ImportProblem
}

// importChunk bounds the IN lists of the lookups.
const importChunk = 500

// ImportOptions say how to run an import.
type ImportOptions struct {
	DryRun bool // only check; write nothing
	// FileRows is how many people the file held, counting rows refused
	// before the store saw them, for the import's audit row; 0 is len(rows).
	FileRows int
}

// ImportUsers creates the people in rows, by actorID (0: the command
// line), each with an invitation link, and links each learner to the
// counselor their row names (one already registered and enabled, or one
// created by the same import). A row whose email is registered already,
// or whose counselor is unknown, disabled or not a counselor, is refused
// with a problem naming it and the rest are created: all of them in one
// transaction, so nothing is ever half made. Every creation and link is
// written to the audit log, with one row for the import. A dry run only
// checks: nothing is written.
func (s *Store) ImportUsers(ctx context.Context, actorID int64, rows []ImportRow, opts ImportOptions) (ImportResult, error) {
	defer s.sessions.forgetAll()
	if opts.FileRows < len(rows) {
		opts.FileRows = len(rows)
	}
	if opts.DryRun {
		var res ImportResult
		err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			plan, err := planImport(tx, rows)
			res = ImportResult{Valid: len(plan.valid), Problems: plan.problems}
			return err
		})
		return res, wrap("import users (dry run)", err)
	}
	var res ImportResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		plan, err := planImport(tx, rows)
		if err != nil {
			return err
		}
		res = ImportResult{Valid: len(plan.valid), Problems: plan.problems}
		res.Created, err = s.runImport(tx, actorID, plan, opts.FileRows)
		return err
	})
	if err != nil {
		return ImportResult{}, wrapAdmin("import users", err)
	}
	return res, nil
}

// importPlan is the rows that pass every check, with the counselor each
// learner is to be linked to: an existing id, or the email of a counselor
// the same import creates.
type importPlan struct {
	valid        []ImportRow
	counselorIDs map[string]int64 // counselor email → id, for those registered already
	problems     []ImportProblem
}

func planImport(tx *gorm.DB, rows []ImportRow) (importPlan, error) {
	p := importPlan{counselorIDs: map[string]int64{}}
	var emails, counselorEmails []string
	for _, r := range rows {
		emails = append(emails, r.Email)
		if r.CounselorEmail != "" {
			counselorEmails = append(counselorEmails, r.CounselorEmail)
		}
	}
	taken, err := usersByEmail(tx, emails)
	if err != nil {
		return p, err
	}
	known, err := usersByEmail(tx, counselorEmails)
	if err != nil {
		return p, err
	}
	// Counselors this import creates (rows that are themselves fine).
	newCounselors := map[string]int{}
	for _, r := range rows {
		if r.Role == RoleCounselor && taken[r.Email].ID == 0 {
			newCounselors[r.Email] = r.Row
		}
	}
	for _, r := range rows {
		if _, ok := taken[r.Email]; ok {
			p.problems = append(p.problems, ImportProblem{r.Row, "email", "An account with this email already exists."})
			continue
		}
		if c := r.CounselorEmail; c != "" {
			u, registered := known[c]
			switch {
			case registered && (u.Role != RoleCounselor):
				p.problems = append(p.problems, ImportProblem{r.Row, "counselor_email", fmt.Sprintf("belongs to a %s account, not a counselor.", u.Role)})
				continue
			case registered && u.Disabled:
				p.problems = append(p.problems, ImportProblem{r.Row, "counselor_email", "belongs to a disabled counselor account."})
				continue
			case registered:
				p.counselorIDs[c] = u.ID
			case newCounselors[c] == 0:
				p.problems = append(p.problems, ImportProblem{r.Row, "counselor_email", "No counselor account has this email, and no row of this file creates one."})
				continue
			}
		}
		p.valid = append(p.valid, r)
	}
	return p, nil
}

// usersByEmail finds the accounts with the emails, by email.
func usersByEmail(tx *gorm.DB, emails []string) (map[string]User, error) {
	out := map[string]User{}
	for i := 0; i < len(emails); i += importChunk {
		chunk := emails[i:min(i+importChunk, len(emails))]
		var rows []userRow
		if err := tx.Raw("SELECT "+summaryColumns+" FROM users WHERE email IN ?", chunk).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Email] = r.user()
		}
	}
	return out, nil
}

// runImport creates the plan's people inside the write transaction, a few
// hundred rows per statement (one statement per row would cost a network
// round trip each on PostgreSQL): counselors first, so learners can be
// linked to them; then the invitations, the links and the audit rows.
func (s *Store) runImport(tx *gorm.DB, actorID int64, plan importPlan, total int) ([]Imported, error) {
	now := s.clock()
	actor, err := auditParty(tx, actorID, commandLineActor)
	if err != nil {
		return nil, err
	}
	users := make([]userRow, len(plan.valid))
	for i, r := range plan.valid {
		if users[i], err = newUserRow(NewUser{Email: r.Email, Name: r.Name, Role: r.Role, Group: r.Group}, now); err != nil {
			return nil, fmt.Errorf("row %d: %w", r.Row, err)
		}
		if r.Role == RoleCounselor {
			code, err := newShareCode(tx)
			if err != nil {
				return nil, err
			}
			users[i].ShareCode = &code
		}
	}
	if err := insertUsers(tx, users); err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Role == RoleCounselor {
			plan.counselorIDs[u.Email] = u.ID
		}
	}
	var links, invites, audits [][]any
	created := make([]Imported, len(plan.valid))
	expires := now.Add(account.ResetLinkValidity)
	auditRow := func(subject userRow, action, detail string) []any {
		return []any{now, KindAdmin, action, actor.id, actor.Name, actor.Email, subject.ID, subject.Name, subject.Email, detail}
	}
	for i, r := range plan.valid {
		u := users[i]
		if r.Link.Selector == "" || r.Link.VerifierHash == "" {
			return nil, fmt.Errorf("row %d: an invitation needs a selector and a verifier hash", r.Row)
		}
		invites = append(invites, []any{u.ID, r.Link.Selector, r.Link.VerifierHash, purposeInvite, nullID(actorID), now, expires})
		audits = append(audits, auditRow(u, ActionUserCreate, createdDetail(u)+", by roster import, with an invitation link"))
		if c := r.CounselorEmail; c != "" {
			links = append(links, []any{plan.counselorIDs[c], u.ID, false, now, true, nullID(actorID)})
			audits = append(audits, auditRow(u, ActionLinkCreate, "with counselor "+c+", by roster import"))
		}
		created[i] = Imported{Row: r.Row, User: u.user(),
			Link: ResetLink{UserID: u.ID, Name: u.Name, Email: u.Email, Invite: true, CreatedAt: now, ExpiresAt: expires}}
	}
	detail := fmt.Sprintf("created %d of %d rows", len(plan.valid), total)
	if refused := total - len(plan.valid); refused > 0 {
		detail += fmt.Sprintf("; %d refused", refused)
	}
	audits = append(audits, []any{now, KindAdmin, ActionImport, actor.id, actor.Name, actor.Email, nil, "", "", detail})
	steps := []struct {
		sql  string
		rows [][]any
	}{
		{"INSERT INTO reset_links (user_id, selector, verifier_hash, purpose, created_by, created_at, expires_at) VALUES ", invites},
		{"INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at, by_admin, linked_by) VALUES ", links},
		{"INSERT INTO audit_log (at, kind, action, actor_id, actor_name, actor_email, subject_id, subject_name, subject_email, detail) VALUES ", audits},
	}
	for _, st := range steps {
		if err := insertValues(tx, st.sql, st.rows, ""); err != nil {
			return nil, err
		}
	}
	return created, nil
}

// insertUsers inserts the rows a chunk per statement and sets their ids.
func insertUsers(tx *gorm.DB, users []userRow) error {
	const cols = 11
	for start := 0; start < len(users); start += maxParams / cols {
		chunk := users[start:min(start+maxParams/cols, len(users))]
		args := make([][]any, len(chunk))
		for i, u := range chunk {
			args[i] = []any{u.Email, u.Name, u.PasswordHash, u.Role, u.ShareCode, false, u.CreatedAt, u.UpdatedAt,
				searchKey(u.Name, u.Email), u.GroupName, account.GroupKey(u.GroupName)}
		}
		sql, flat := valuesSQL(`INSERT INTO users (email, name, password_hash, role, share_code, disabled, created_at, updated_at, search_key, group_name, group_key) VALUES `, args)
		var ids []struct {
			ID    int64
			Email string
		}
		if err := tx.Raw(sql+" RETURNING id, email", flat...).Scan(&ids).Error; err != nil {
			return err
		}
		byEmail := make(map[string]int64, len(ids))
		for _, r := range ids {
			byEmail[r.Email] = r.ID
		}
		for i := range chunk {
			chunk[i].ID = byEmail[chunk[i].Email]
			if chunk[i].ID == 0 {
				return fmt.Errorf("import: no id came back for %s", chunk[i].Email)
			}
		}
	}
	return nil
}

// maxParams keeps a statement's placeholders under both engines' limits
// (SQLite's is 32766, PostgreSQL's 65535).
const maxParams = 30000

// insertValues runs prefix with rows as its VALUES list, as many rows per
// statement as maxParams allows, then suffix.
func insertValues(tx *gorm.DB, prefix string, rows [][]any, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	per := maxParams / len(rows[0])
	for start := 0; start < len(rows); start += per {
		sql, args := valuesSQL(prefix, rows[start:min(start+per, len(rows))])
		if err := tx.Exec(sql+suffix, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// valuesSQL is prefix followed by one (?, ?, …) per row, and the rows'
// values in order.
func valuesSQL(prefix string, rows [][]any) (string, []any) {
	var b strings.Builder
	b.WriteString(prefix)
	args := make([]any, 0, len(rows)*len(rows[0]))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
		args = append(args, r...)
	}
	return b.String(), args
}
