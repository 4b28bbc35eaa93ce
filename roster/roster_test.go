package roster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/readiness/readiness/account"
)

func problemsText(ps []Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d %s: %s", p.Row, p.Field, p.Problem))
	}
	return strings.Join(out, "\n")
}

func TestParse_BOMCRLFQuotesAndDefaults(t *testing.T) {
	data := "\xef\xbb\xbfEmail , NAME,role,group,counselor_email\r\n" +
		"Ana@Example.org,\"Ortiz, Ana\",,Class of 2027,casey@example.org\r\n" +
		"\"ben@example.org\",\"Ben \"\"Benny\"\" Bo\",LEARNER,,\r\n" +
		",,,,\r\n" + // a blank row is skipped
		"casey@example.org,Casey Counselor,counselor,,\r\n" +
		"dee@example.org,Dee\r\n" // fewer fields: the rest are empty
	rows, problems, err := Parse([]byte(data))
	if err != nil || len(problems) > 0 {
		t.Fatalf("Parse: %v\n%s", err, problemsText(problems))
	}
	want := []Row{
		{Line: 2, Email: "ana@example.org", Name: "Ortiz, Ana", Role: "learner", Group: "Class of 2027", CounselorEmail: "casey@example.org"},
		{Line: 3, Email: "ben@example.org", Name: `Ben "Benny" Bo`, Role: "learner"},
		{Line: 5, Email: "casey@example.org", Name: "Casey Counselor", Role: "counselor"},
		{Line: 6, Email: "dee@example.org", Name: "Dee", Role: "learner"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	// Columns in another order, LF line ends, only the required two.
	rows, problems, err = Parse([]byte("name,email\nZoë Ångström,zoe@example.org\n"))
	if err != nil || len(problems) > 0 || len(rows) != 1 || rows[0].Name != "Zoë Ångström" || rows[0].Role != "learner" {
		t.Errorf("name,email only: %+v %v %s", rows, err, problemsText(problems))
	}
	// A header and nothing else is no one, not an error.
	if rows, problems, err := Parse([]byte("email,name\r\n")); err != nil || len(rows)+len(problems) != 0 {
		t.Errorf("header only: %v %v %v", rows, problems, err)
	}
}

func TestParse_EachBadRowIsNamedByRowAndField(t *testing.T) {
	data := strings.Join([]string{
		"email,name,role,group,counselor_email",
		"not-an-email,Ana,,,",                    // 2
		"ben@example.org,,,,",                    // 3
		"cy@example.org,Cy,owner,,",              // 4
		"di@example.org,Di,counselor,Class A,",   // 5
		"ed@example.org,Ed,admin,,c@example.org", // 6
		"fe@example.org,Fe,,,nope",               // 7
		"ana2@example.org,Ana Two,,,",            // 8
		"ANA2@example.org,Ana Again,,,",          // 9
		"gi@example.org,Gi,,,,extra",             // 10
		"hu@exаmple.org,Hu,,,",                   // 11: a Cyrillic а
		"io@example.org,Io,,Night\u200bclass,",   // 12
		"jo@example.org,Jo,,,jo@example.org",     // 13
		"ok@example.org,Okay,,,",                 // 14
	}, "\n")
	rows, problems, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Email != "ana2@example.org" || rows[1].Email != "ok@example.org" {
		t.Errorf("valid rows: %+v", rows)
	}
	want := []struct {
		row          int
		field, words string
	}{
		{2, "email", "Enter an email address like name@example.com."},
		{3, "name", "Enter the person's name."},
		{4, "role", `"owner" is not a role`},
		{5, "group", "only learners belong to a group"},
		{6, "counselor_email", "only learners are linked to a counselor"},
		{7, "counselor_email", "Enter an email address"},
		{9, "email", "appears again: it is on row 8 already"},
		{10, "row", "has 6 fields, but the header has 5"},
		{11, "email", "mixes letters from different alphabets"},
		{12, "group", "plain text on one line"},
		{13, "counselor_email", "the person's own email"},
	}
	got := problemsText(problems)
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(problems), len(want), got)
	}
	for _, w := range want {
		found := false
		for _, p := range problems {
			if p.Row == w.row && p.Field == w.field && strings.Contains(p.Problem, w.words) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem on row %d, %s, saying %q:\n%s", w.row, w.field, w.words, got)
		}
	}
}

func TestParse_FilesThatAreNotRosters(t *testing.T) {
	cases := []struct {
		name, data   string
		row          int
		field, words string
	}{
		{"empty", "", 1, "file", "is empty"},
		{"not UTF-8", "email,name\nana@example.org,Ana \xe9\n", 1, "file", "not UTF-8"},
		{"unknown column", "email,name,counsellor_email\n", 1, "counsellor_email", "is not a roster column"},
		{"missing name", "email,role\n", 1, "name", "is missing from the header"},
		{"column twice", "email,name,email\n", 1, "email", "twice"},
		{"nameless column", "email,,name\n", 1, "header", "column 2 has no name"},
		{"broken quote", "email,name\n\"ana@example.org,Ana\nben@example.org,\"Ben\"x\"\n", 2, "file", "check the quotes"},
		{"too many people", "email,name\n" + strings.Repeat("a@example.org,A\n", MaxRows+1), MaxRows + 2, "file", "more than 10000 people"},
	}
	for _, c := range cases {
		rows, problems, err := Parse([]byte(c.data))
		var fe *FileError
		if !errors.As(err, &fe) || rows != nil || problems != nil {
			t.Errorf("%s: %v, %v, %v; want a FileError and nothing else", c.name, rows, problems, err)
			continue
		}
		if p := fe.Problems[0]; p.Row != c.row || p.Field != c.field || !strings.Contains(p.Problem, c.words) {
			t.Errorf("%s: %+v, want row %d, %s, %q", c.name, fe.Problems, c.row, c.field, c.words)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("email,name,role,group,counselor_email\r\nana@example.org,\"Ortiz, Ana\",,Class of 2027,c@example.org\r\n"))
	f.Add([]byte("\xef\xbb\xbfname,email\nBen,ben@example.org\n"))
	f.Add([]byte("email,name\n\"a@example.org\",\"A\"\"B\"\n,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := Parse(data)
		if err != nil {
			if rows != nil || problems != nil {
				t.Fatal("a file error with rows or problems")
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range rows {
			// Every row returned passes the account rules as stored.
			if e, err := account.NormalizeEmail(r.Email); err != nil || e != r.Email || seen[e] {
				t.Fatalf("row %+v: email %v (seen %v)", r, err, seen[e])
			}
			seen[r.Email] = true
			if n, err := account.CheckName(r.Name); err != nil || n != r.Name {
				t.Fatalf("row %+v: name %v", r, err)
			}
			if !account.ValidRole(r.Role) || (r.Role != account.RoleLearner && (r.Group != "" || r.CounselorEmail != "")) {
				t.Fatalf("row %+v: role, group or counselor", r)
			}
			if g, err := account.CheckGroup(r.Group); err != nil || g != r.Group {
				t.Fatalf("row %+v: group %v", r, err)
			}
		}
		for _, p := range problems {
			if p.Row < 2 || p.Field == "" || p.Problem == "" {
				t.Fatalf("problem %+v names no row or field", p)
			}
		}
	})
}
