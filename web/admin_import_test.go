package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// importJSON is POST /api/v1/admin/users/import's answer.
type importJSON struct {
	DryRun      bool         `json:"dry_run"`
	Created     int          `json:"created"`
	Valid       int          `json:"valid"`
	Problems    []problem    `json:"problems"`
	Invitations []invitation `json:"invitations"`
}

func (a *testApp) importCSV(c *http.Client, query, csvText string) (*http.Response, []byte) {
	a.t.Helper()
	req, err := http.NewRequest("POST", a.srv.URL+"/api/v1/admin/users/import"+query, strings.NewReader(csvText))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// upload posts a multipart form to a page, as a browser's file input does.
func (a *testApp) upload(c *http.Client, path string, fields map[string]string, fileField, fileName, content string) (*http.Response, []byte) {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = io.WriteString(fw, content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", a.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// rosterFile is a roster in the shape spreadsheets export: a byte-order
// mark, CRLF, quoted fields.
func rosterFile(w *workspace) string {
	return "\xef\xbb\xbfemail,name,role,group,counselor_email\r\n" +
		"nia@example.org,\"Njoku, Nia\",learner,Class of 2027," + w.counselor.Email + "\r\n" +
		"omar@example.org,\"Omar \"\"O\"\" Haddad\",,Class of 2027,\r\n" +
		"lena@example.org,Lena Again,,,\r\n" + // registered already
		"pat@example.org,Pat,learner,,nobody@example.org\r\n" + // no such counselor
		"quinn@example.org,Quinn,counselor,Class of 2027,\r\n" + // a group for a counselor
		"not-an-email,Rae,,,\r\n"
}

func TestImportAPI_DryRunThenImport(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.importCSV(w.ac, "?dry_run=1", rosterFile(w))
	expect(t, resp, body, http.StatusOK)
	dry := decode[importJSON](t, body)
	wantProblems := []string{"4 email", "5 counselor_email", "6 group", "7 email"}
	check := func(got importJSON) {
		t.Helper()
		var ps []string
		for _, p := range got.Problems {
			ps = append(ps, fmt.Sprintf("%d %s", p.Row, p.Field))
			if p.Problem == "" {
				t.Errorf("problem without words: %+v", p)
			}
		}
		if got.Valid != 2 || strings.Join(ps, ", ") != strings.Join(wantProblems, ", ") {
			t.Errorf("valid %d, problems %v; want 2 and %v", got.Valid, ps, wantProblems)
		}
	}
	check(dry)
	if !dry.DryRun || dry.Created != 0 || len(dry.Invitations) != 0 {
		t.Errorf("dry run: %+v", dry)
	}
	if got := w.users(t, "?q=nia"); got.Total != 0 {
		t.Fatal("a dry run created someone")
	}

	resp, body = w.app.importCSV(w.ac, "", rosterFile(w))
	expect(t, resp, body, http.StatusOK)
	res := decode[importJSON](t, body)
	check(res)
	if res.DryRun || res.Created != 2 || len(res.Invitations) != 2 {
		t.Fatalf("import: %s", body)
	}
	nia := res.Invitations[0]
	if nia.Row != 2 || nia.Email != "nia@example.org" || nia.Name != "Njoku, Nia" || nia.Group != "Class of 2027" || !strings.HasPrefix(nia.ResetURL, "/reset/") || nia.ExpiresAt == "" {
		t.Errorf("nia's invitation: %+v", nia)
	}
	if res.Invitations[1].Name != `Omar "O" Haddad` {
		t.Errorf("quoted name: %q", res.Invitations[1].Name)
	}
	// Nia is on Casey's caseload, linked by the admin, and can set her password.
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners?group=Class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "nia@example.org") {
		t.Error("the imported learner is not on the counselor's caseload")
	}
	c := w.app.client()
	resp, body = w.app.do(c, "POST", nia.ResetURL, url.Values{"new_password": {"nia's own secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	log := w.audit(t, "?kind=admin")
	if log.Entries[0].Action != "users.import" || log.Entries[0].Detail != "created 2 of 6 rows; 4 refused" || log.Entries[0].Subject != nil {
		t.Errorf("the import's audit row: %+v", log.Entries[0])
	}
}

func TestImportAPI_RefusesWhatIsNotARoster(t *testing.T) {
	w := newWorkspace(t)
	cases := []struct {
		name, body string
		field      string
	}{
		{"empty", "", "file"},
		{"unknown column", "email,name,counsellor_email\r\na@example.org,A,\r\n", "counsellor_email"},
		{"no name column", "email\r\na@example.org\r\n", "name"},
		{"not UTF-8", "email,name\r\na@example.org,Andr\xe9\r\n", "file"},
	}
	for _, c := range cases {
		resp, body := w.app.importCSV(w.ac, "", c.body)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		if !strings.Contains(string(body), `"row":1`) && c.field != "file" {
			t.Errorf("%s: no row: %s", c.name, body)
		}
		wantProblem(t, body, c.field, "")
	}
	resp, body := w.app.importCSV(w.ac, "?dry_run=maybe", "email,name\r\n")
	expect(t, resp, body, http.StatusUnprocessableEntity)
	wantProblem(t, body, "dry_run", "")
	resp, body = w.app.do(w.ac, "POST", "/api/v1/admin/users/import", `{"email":"a@example.org"}`)
	expect(t, resp, body, http.StatusUnsupportedMediaType)
	big := "email,name\r\n" + strings.Repeat("x", 4<<20)
	resp, body = w.app.importCSV(w.ac, "", big)
	expect(t, resp, body, http.StatusRequestEntityTooLarge)
	if !strings.Contains(string(body), "at most 4 MB") {
		t.Errorf("413 without the limit: %s", body)
	}
	// Only admins, only same-origin; anyone else's big body is refused unread.
	for _, c := range []struct {
		client *http.Client
		status int
	}{{w.app.client(), 401}, {w.lc, 403}, {w.cc, 403}} {
		resp, body := w.app.importCSV(c.client, "", rosterFile(w))
		expect(t, resp, body, c.status)
	}
	req, _ := http.NewRequest("POST", w.app.srv.URL+"/api/v1/admin/users/import", strings.NewReader(rosterFile(w)))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := w.ac.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site import: %v %v", resp.StatusCode, err)
	}
	if got := w.users(t, "?q=nia"); got.Total != 0 {
		t.Error("a refused import created someone")
	}
}

func TestImportPage_CheckImportAndDownloadTheLinks(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "GET", "/admin/users/import", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `enctype="multipart/form-data"`) || !strings.Contains(string(body), `download="roster-example.csv"`) {
		t.Errorf("import page: %.2000s", body)
	}
	resp, body = w.app.upload(w.ac, "/admin/users/import", map[string]string{"dry_run": "1"}, "roster", "class.csv", rosterFile(w))
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, s := range []string{"Checked: 2 of 6 people can be imported", "Nothing has been created yet.", "An account with this email already exists.",
		"No counselor account has this email", "Import the 2 people now"} {
		if !strings.Contains(page, s) {
			t.Errorf("checked page lacks %q", s)
		}
	}
	text := regexp.MustCompile(`(?s)<textarea name="roster_text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	if text == nil {
		t.Fatal("no checked file to import")
	}
	// "Import now" sends the checked file back without a new upload.
	resp, body = w.app.upload(w.ac, "/admin/users/import", map[string]string{"dry_run": "0", "roster_text": htmlUnescape(text[1])}, "", "", "")
	expect(t, resp, body, http.StatusOK)
	page = string(body)
	if !strings.Contains(page, "Imported 2 of 6 people") || !strings.Contains(page, "Download the 2 invitation links (CSV)") {
		t.Errorf("imported page: %.3000s", page)
	}
	m := regexp.MustCompile(`href="data:text/csv;charset=utf-8,([^"]+)" download="(invitations-[0-9-]+\.csv)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no invitations download: %.3000s", page)
	}
	decoded, err := url.PathUnescape(htmlUnescape(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(decoded)).ReadAll()
	if err != nil || len(recs) != 3 || strings.Join(recs[0], ",") != "email,name,role,group,invitation_link,valid_until" || recs[1][1] != "Njoku, Nia" {
		t.Fatalf("invitations CSV: %q, %v", recs, err)
	}
	link, err := url.Parse(recs[1][4])
	if err != nil || link.Scheme+"://"+link.Host != w.app.srv.URL {
		t.Fatalf("the link %q is not on this site", recs[1][4])
	}
	resp, body = w.app.do(w.app.client(), "GET", link.Path, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Welcome to Readiness, Njoku, Nia") {
		t.Error("the downloaded link is not Nia's invitation")
	}
	// No file chosen; a file that is not a roster.
	resp, body = w.app.upload(w.ac, "/admin/users/import", map[string]string{"dry_run": "0"}, "roster", "empty.csv", "")
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Choose a CSV file to import.") {
		t.Error("an empty upload is not named")
	}
	resp, body = w.app.upload(w.ac, "/admin/users/import", map[string]string{"dry_run": "0"}, "roster", "x.csv", "mail,full name\r\n")
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Nothing was imported: the file is not a roster") || !strings.Contains(string(body), "is not a roster column") {
		t.Errorf("a file that is not a roster: %.3000s", body)
	}
	for _, c := range []*http.Client{w.lc, w.cc} {
		resp, body := w.app.upload(c, "/admin/users/import", map[string]string{"dry_run": "0"}, "roster", "class.csv", rosterFile(w))
		expect(t, resp, body, http.StatusForbidden)
	}
}

// htmlUnescape undoes html/template's escaping of text and attributes.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+", "&quot;", `"`).Replace(s)
}

// BenchmarkImportRoster5000 is an admin importing a 5,000-person roster
// through the API: parsing, the account rules, the database checks and the
// one transaction, on a fresh SQLite file each time:
// go test ./web -run '^$' -bench ImportRoster -benchtime 3x
func BenchmarkImportRoster5000(b *testing.B) {
	var file strings.Builder
	file.WriteString("\xef\xbb\xbfemail,name,role,group,counselor_email\r\n")
	file.WriteString("coach@example.org,Coach Carter,counselor,,\r\n")
	for i := range 4999 {
		counselor := ""
		if i%4 == 0 {
			counselor = "coach@example.org"
		}
		fmt.Fprintf(&file, "learner%04d@example.org,\"Learner %04d, Jr.\",learner,Class of %d,%s\r\n", i, i, 2027+i%3, counselor)
	}
	body := file.String()
	b.ReportMetric(float64(len(body))/1024, "KiB/file")
	for b.Loop() {
		b.StopTimer()
		app := newTestApp(b)
		app.createUser("root@example.org", "admin")
		c := app.client()
		app.login(c, "root@example.org")
		b.StartTimer()
		resp, out := app.importCSV(c, "", body)
		b.StopTimer()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte(`"created":5000`)) {
			b.Fatalf("import: %d %.300s", resp.StatusCode, out)
		}
		app.stop()
		b.StartTimer()
	}
}
