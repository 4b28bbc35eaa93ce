package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
)

// workspace is an app with a counselor whose caseload holds one learner with
// two results, another counselor, an admin, and a second learner who shares
// with nobody.
type workspace struct {
	app                       *testApp
	counselor, other, admin   db.User
	learner, stranger         meResponse
	cc, oc, ac, lc, sc        *http.Client // clients logged in as each
	learnerPath, learnerAPI   string
	firstResult, secondResult storedResult
}

func newWorkspace(t *testing.T) *workspace {
	t.Helper()
	app := newTestApp(t)
	w := &workspace{app: app}
	w.counselor = app.createUser("casey@example.org", "counselor")
	w.other = app.createUser("olga@example.org", "counselor")
	w.admin = app.createUser("root@example.org", "admin")
	w.cc, w.oc, w.ac, w.lc, w.sc = app.client(), app.client(), app.client(), app.client(), app.client()
	app.login(w.cc, w.counselor.Email)
	app.login(w.oc, w.other.Email)
	app.login(w.ac, w.admin.Email)
	w.learner = app.register(w.lc, "lena@example.org")
	w.stranger = app.register(w.sc, "sam@example.org")

	resp, body := app.do(w.lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.counselor.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(w.lc, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	w.firstResult = decode[storedResult](t, body)
	app.clock.Advance(24 * time.Hour)
	resp, body = app.do(w.lc, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4}))
	expect(t, resp, body, http.StatusCreated)
	w.secondResult = decode[storedResult](t, body)
	id := strconv.FormatInt(w.learner.ID, 10)
	w.learnerPath, w.learnerAPI = "/counselor/learners/"+id, "/api/v1/learners/"+id
	return w
}

type route struct {
	method, path string
	body         any
	ok           int  // status for the counselor the learner shares with
	perLearner   bool // about one learner: 404 for anyone else's counselor
}

func (w *workspace) counselorRoutes() []route {
	return []route{
		{"GET", "/counselor", nil, 200, false},
		{"GET", "/counselor/caseload.csv", nil, 200, false},
		{"GET", "/counselor/cohort", nil, 200, false},
		{"GET", w.learnerPath, nil, 200, true},
		{"POST", w.learnerPath + "/notes", url.Values{"text": {"page note"}}, 303, true},
		{"POST", w.learnerPath + "/flag", url.Values{"flagged": {"true"}}, 303, true},
		{"GET", "/api/v1/learners", nil, 200, false},
		{"GET", "/api/v1/learners.csv", nil, 200, false},
		{"GET", "/api/v1/cohort", nil, 200, false},
		{"GET", w.learnerAPI + "/assessments", nil, 200, true},
		{"GET", w.learnerAPI + "/notes", nil, 200, true},
		{"POST", w.learnerAPI + "/notes", map[string]string{"text": "api note"}, 201, true},
		{"PUT", w.learnerAPI + "/flag", map[string]bool{"flagged": true}, 200, true},
	}
}

// wantDenied checks the answer to someone who may not use the route.
func wantDenied(t *testing.T, r route, resp *http.Response, body []byte, status int) {
	t.Helper()
	api := strings.HasPrefix(r.path, "/api/")
	if status == http.StatusUnauthorized && !api {
		// Pages send anonymous visitors to the login page and back.
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("%s %s: %d to %q, want 303 to /login", r.method, r.path, resp.StatusCode, resp.Header.Get("Location"))
		}
		return
	}
	if resp.StatusCode != status {
		t.Errorf("%s %s: status %d, want %d; body %.200s", r.method, r.path, resp.StatusCode, status, body)
	}
	if api && !bytes.Contains(body, []byte(`"error"`)) {
		t.Errorf("%s %s: API error without the JSON error body: %.200s", r.method, r.path, body)
	}
}

func TestCounselorRoutes_AuthorizationMatrix(t *testing.T) {
	w := newWorkspace(t)
	routes := w.counselorRoutes()
	type actor struct {
		name   string
		client *http.Client
		want   func(r route) int
	}
	actors := []actor{
		{"anonymous", w.app.client(), func(route) int { return http.StatusUnauthorized }},
		{"learner", w.lc, func(route) int { return http.StatusForbidden }},
		{"admin", w.ac, func(route) int { return http.StatusForbidden }},
		{"counselor not shared with", w.oc, func(r route) int {
			if r.perLearner {
				return http.StatusNotFound
			}
			return r.ok
		}},
		{"own counselor", w.cc, func(r route) int { return r.ok }},
	}
	for _, a := range actors {
		for _, r := range routes {
			t.Run(a.name+" "+r.method+" "+r.path, func(t *testing.T) {
				resp, body := w.app.do(a.client, r.method, r.path, r.body)
				want := a.want(r)
				if want == r.ok && resp.StatusCode == want {
					return
				}
				wantDenied(t, r, resp, body, want)
			})
		}
	}

	// Another learner's id is a 404 for the counselor too, and so is junk.
	for _, p := range []string{"/counselor/learners/" + strconv.FormatInt(w.stranger.ID, 10), "/counselor/learners/abc",
		"/api/v1/learners/" + strconv.FormatInt(w.stranger.ID, 10) + "/assessments", "/api/v1/learners/99999/notes"} {
		resp, body := w.app.do(w.cc, "GET", p, nil)
		expect(t, resp, body, http.StatusNotFound)
	}

	// The learner stops sharing: access ends at once.
	resp, body := w.app.do(w.lc, "DELETE", "/api/v1/me/counselors/"+strconv.FormatInt(w.counselor.ID, 10), nil)
	expect(t, resp, body, http.StatusNoContent)
	for _, r := range routes {
		resp, body := w.app.do(w.cc, r.method, r.path, r.body)
		if r.perLearner {
			wantDenied(t, r, resp, body, http.StatusNotFound)
		} else if resp.StatusCode != r.ok {
			t.Errorf("after unshare %s %s: %d, want %d", r.method, r.path, resp.StatusCode, r.ok)
		}
	}
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[caseloadResponse](t, body); got.Total != 0 || len(got.Learners) != 0 {
		t.Errorf("caseload after unshare: %+v", got)
	}
}

type caseloadResponse struct {
	Total    int `json:"total"`
	Page     int `json:"page"`
	Learners []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Email    string `json:"email"`
		Attempts int    `json:"attempts"`
		Latest   *struct {
			ID        int64   `json:"id"`
			Overall   float64 `json:"overall"`
			Band      string  `json:"band"`
			CreatedAt string  `json:"created_at"`
		} `json:"latest"`
		Delta          *float64 `json:"delta"`
		Flagged        bool     `json:"flagged"`
		NeedsAttention []string `json:"needs_attention"`
	} `json:"learners"`
}

func TestCaseloadAPI_ShapeFiltersSortAndPaging(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	got := decode[caseloadResponse](t, body)
	if got.Total != 1 || len(got.Learners) != 1 {
		t.Fatalf("caseload: %s", body)
	}
	l := got.Learners[0]
	if l.ID != w.learner.ID || l.Email != "lena@example.org" || l.Attempts != 2 || l.Latest == nil ||
		l.Latest.ID != w.secondResult.ID || l.Latest.Overall != w.secondResult.Overall || l.Latest.Band != w.secondResult.Band ||
		l.Latest.CreatedAt != w.secondResult.CreatedAt || l.Delta == nil || l.Flagged || l.NeedsAttention == nil {
		t.Errorf("learner entry: %s", body)
	}
	if want := w.secondResult.Overall - w.firstResult.Overall; *l.Delta < want-1e-9 || *l.Delta > want+1e-9 {
		t.Errorf("delta %v, want %v", *l.Delta, want)
	}

	// Thirty more learners: three with no attempt, the rest linked by the admin.
	for i := range 60 {
		u := w.app.createUser(fmt.Sprintf("l%02d@example.org", i), "learner")
		if err := w.app.store.Link(t.Context(), 0, u.ID, w.counselor.ID); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query     string
		total     int
		rows      int
		firstName string
	}{
		{"", 61, 50, "Test lena@example.org"},
		{"?page=2", 61, 11, "User l49@example.org"},
		{"?page=3", 61, 0, ""},
		{"?q=L0", 10, 10, "User l00@example.org"},
		{"?q=LENA", 1, 1, "Test lena@example.org"},
		{"?band=none", 60, 50, "User l00@example.org"},
		{"?band=" + w.secondResult.Band, 1, 1, "Test lena@example.org"},
		{"?sort=-name", 61, 50, "User l59@example.org"},
		{"?sort=-overall", 61, 50, "Test lena@example.org"},
		{"?sort=attempts", 61, 50, "User l00@example.org"},
		{"?flagged=true", 0, 0, ""},
		{"?needs_attention=true", 0, 0, ""},
	}
	for _, tt := range tests {
		resp, body := w.app.do(w.cc, "GET", "/api/v1/learners"+tt.query, nil)
		expect(t, resp, body, http.StatusOK)
		got := decode[caseloadResponse](t, body)
		if got.Total != tt.total || len(got.Learners) != tt.rows || (tt.rows > 0 && got.Learners[0].Name != tt.firstName) {
			first := ""
			if len(got.Learners) > 0 {
				first = got.Learners[0].Name
			}
			t.Errorf("%s: total %d, %d rows, first %q; want %d, %d, %q", tt.query, got.Total, len(got.Learners), first, tt.total, tt.rows, tt.firstName)
		}
	}
	for _, bad := range []string{"?sort=password_hash", "?band=superb", "?flagged=maybe", "?page=0", "?q=" + strings.Repeat("x", 101)} {
		resp, body := w.app.do(w.cc, "GET", "/api/v1/learners"+bad, nil)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		if !bytes.Contains(body, []byte(`"field"`)) {
			t.Errorf("%s: error names no field: %s", bad, body)
		}
	}

	// Ninety-one days later the learner needs attention; flagging shows too.
	w.app.clock.Advance(91 * 24 * time.Hour)
	w.app.login(w.cc, w.counselor.Email) // the old session has expired
	resp, body = w.app.do(w.cc, "PUT", w.learnerAPI+"/flag", map[string]bool{"flagged": true})
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners?needs_attention=true&flagged=true", nil)
	expect(t, resp, body, http.StatusOK)
	got = decode[caseloadResponse](t, body)
	if got.Total != 1 || !got.Learners[0].Flagged || strings.Join(got.Learners[0].NeedsAttention, ",") != db.AttentionInactive {
		t.Errorf("flagged + needs attention: %s", body)
	}
	resp, body = w.app.do(w.cc, "PUT", w.learnerAPI+"/flag", map[string]string{"flagged": "yes"})
	expect(t, resp, body, http.StatusBadRequest)
	resp, body = w.app.do(w.cc, "PUT", w.learnerAPI+"/flag", map[string]any{})
	expect(t, resp, body, http.StatusUnprocessableEntity)
}

func TestCaseloadPage_FiltersSortLinksAndPaging(t *testing.T) {
	w := newWorkspace(t)
	for i := range 55 {
		u := w.app.createUser(fmt.Sprintf("p%02d@example.org", i), "learner")
		if err := w.app.store.Link(t.Context(), 0, u.ID, w.counselor.ID); err != nil {
			t.Fatal(err)
		}
	}
	resp, body := w.app.do(w.cc, "GET", "/counselor?sort=-overall", nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{
		w.counselor.ShareCode,
		"Page 1 of 2",
		`href="/counselor?page=2&amp;sort=-overall" rel="next"`,
		`aria-sort="descending"`,
		`href="/counselor?sort=overall"`, // the sorted column's link flips it
		`href="/counselor/caseload.csv?sort=-overall"`,
		`href="/counselor/learners/` + strconv.FormatInt(w.learner.ID, 10) + `"`,
		`<label for="f-q">`, `<label for="f-band">`,
		"Test lena@example.org",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("caseload page lacks %q", want)
		}
	}
	resp, body = w.app.do(w.cc, "GET", "/counselor?q=p0&page=1&flagged=on", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "No learners match these filters") {
		t.Errorf("empty filter result not explained")
	}
	resp, body = w.app.do(w.cc, "GET", "/counselor?q=p0", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "10 learners match") || !strings.Contains(string(body), `href="/counselor/caseload.csv?q=p0"`) {
		t.Errorf("search page: %.2000s", body)
	}
	// A bad filter on the page is ignored with a message, not an error page.
	resp, body = w.app.do(w.cc, "GET", "/counselor?band=nonsense", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Some filters were ignored") {
		t.Error("bad band not reported")
	}
}

func TestLearnerPage_ResultsAnswersStepsNotesAndFlag(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{
		"Test lena@example.org", "Steps the learner was shown", "Every result, newest first",
		"What is the highest degree you have completed?", // a question, with the answer given
		"Bachelor",
		"Flag for follow-up", `<label for="f-text">New note</label>`, "No notes yet",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("learner page lacks %q", want)
		}
	}
	if strings.Count(page, `class="result-detail"`) != 2 {
		t.Errorf("want both results on the page")
	}

	// Notes: trimmed, escaped when shown, stored intact; bad ones are 422s naming the field.
	note := `  <script>alert("x")</script> call about the MBA  `
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/notes", url.Values{"text": {note}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != w.learnerPath+"#notes" {
		t.Errorf("after note: Location %q", loc)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), `<script>alert`) || !strings.Contains(string(body), "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; call about the MBA") {
		t.Errorf("note not escaped on the page")
	}
	if !strings.Contains(string(body), "Note saved.") {
		t.Error("no flash after saving a note")
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/notes", nil)
	expect(t, resp, body, http.StatusOK)
	notes := decode[struct {
		Notes []struct {
			Text   string `json:"text"`
			Author struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"author"`
			CreatedAt string `json:"created_at"`
		} `json:"notes"`
	}](t, body)
	if len(notes.Notes) != 1 || notes.Notes[0].Text != strings.TrimSpace(note) || notes.Notes[0].Author.ID != w.counselor.ID || notes.Notes[0].CreatedAt == "" {
		t.Errorf("notes API: %s", body)
	}
	for _, tt := range []struct {
		body any
		want int
	}{
		{map[string]string{"text": "   "}, 422},
		{map[string]string{"text": strings.Repeat("é", 2001)}, 422},
		{map[string]string{}, 422},
		{map[string]int{"text": 3}, 400},
		{map[string]string{"text": strings.Repeat("é", 2000)}, 201},
	} {
		resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/notes", tt.body)
		expect(t, resp, body, tt.want)
		if tt.want == 422 && !bytes.Contains(body, []byte(`"field":"text"`)) {
			t.Errorf("422 does not name the text field: %s", body)
		}
	}
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/notes", url.Values{"text": {""}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Note is required") || !strings.Contains(string(body), `aria-invalid="true"`) {
		t.Errorf("page note error not shown beside the field")
	}

	// Colleagues do not see each other's notes: another counselor the
	// learner also shares with sees none.
	resp, body = w.app.do(w.lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.other.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.oc, "GET", w.learnerAPI+"/notes", nil)
	expect(t, resp, body, http.StatusOK)
	if !bytes.Contains(body, []byte(`"notes":[]`)) {
		t.Errorf("a colleague sees notes: %s", body)
	}

	// Flag on and off from the page.
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/flag", url.Values{"flagged": {"true"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Flagged for follow-up") || !strings.Contains(string(body), "Remove the follow-up flag") {
		t.Error("flag not shown")
	}
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/flag", url.Values{"flagged": {"false"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/flag", url.Values{"flagged": {"perhaps"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)

	// The learner's results through the API, newest first, answers included.
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments", nil)
	expect(t, resp, body, http.StatusOK)
	list := decode[struct{ Assessments []storedResult }](t, body)
	if len(list.Assessments) != 2 || list.Assessments[0].ID != w.secondResult.ID || list.Assessments[1].Answers["edu.degree"] != "bachelor" {
		t.Errorf("learner assessments: %.300s", body)
	}
}

func TestNotes_NeverReachTheLearner(t *testing.T) {
	w := newWorkspace(t)
	const secret = "PRIVATE-NOTE-7f3a"
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/notes", map[string]string{"text": secret + " api"})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/notes", url.Values{"text": {secret + " page"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners.csv", nil)
	expect(t, resp, body, http.StatusOK)
	if bytes.Contains(body, []byte(secret)) {
		t.Error("the caseload CSV carries a note")
	}

	first := strconv.FormatInt(w.firstResult.ID, 10)
	second := strconv.FormatInt(w.secondResult.ID, 10)
	for _, p := range []string{
		"/results/" + first, "/results/" + second, "/progress", "/progress/compare?a=" + first + "&b=" + second,
		"/account", "/account/export", "/assessment",
		"/api/v1/me", "/api/v1/me/export", "/api/v1/assessments", "/api/v1/assessments/" + second,
	} {
		resp, body := w.app.do(w.lc, "GET", p, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("learner GET %s: %d", p, resp.StatusCode)
		}
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("learner GET %s shows the counselor's note", p)
		}
	}
	// Nor can the learner reach the counselor's notes API.
	resp, body = w.app.do(w.lc, "GET", w.learnerAPI+"/notes", nil)
	expect(t, resp, body, http.StatusForbidden)
}

func TestCaseloadCSV_InjectionNonASCIIAndFilters(t *testing.T) {
	w := newWorkspace(t)
	names := []string{`=HYPERLINK("http://x")`, "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Zoë Ångström 李雷", `Quote "Q", Comma`}
	for i, n := range names {
		u, err := w.app.store.CreateUser(t.Context(), db.NewUser{Email: fmt.Sprintf("csv%d@example.org", i), Name: n, PasswordHash: "x", Role: "learner"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.store.Link(t.Context(), 0, u.ID, w.counselor.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/api/v1/learners.csv", "/counselor/caseload.csv"} {
		resp, body := w.app.do(w.cc, "GET", p, nil)
		expect(t, resp, body, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="caseload-`) {
			t.Errorf("%s: Content-Disposition %q", p, cd)
		}
		if !bytes.HasSuffix(body, []byte("\r\n")) || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s: want a UTF-8 byte-order mark and CRLF line ends", p)
		}
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: not valid CSV: %v", p, err)
		}
		header := strings.Join(caseloadCSVHeader, ",") // the API's: ids
		if p == "/counselor/caseload.csv" {            // the page's: headings for a person
			header = "Name,Email,Attempts,Latest score,Latest band,Change,Last activity,Flagged,Needs attention,Group,Verified score,Verified band"
		}
		if strings.Join(recs[0], ",") != header || len(recs) != 1+1+len(names) {
			t.Fatalf("%s: %d records, header %v", p, len(recs), recs[0])
		}
		got := map[string]bool{}
		for _, r := range recs[1:] {
			got[r[0]] = true
			if c := r[0]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("%s: cell %q can run as a formula", p, c)
			}
		}
		// With CRLF line ends encoding/csv drops a lone CR inside a field;
		// the cell is neutralised first, so it still starts with the quote.
		for _, want := range []string{`'=HYPERLINK("http://x")`, "'+1", "'-2", "'@SUM(A1)", "'\tTab", "'Return", "Zoë Ångström 李雷", `Quote "Q", Comma`} {
			if !got[want] {
				t.Errorf("%s: no cell %q in %v", p, want, got)
			}
		}
		for _, r := range recs[1:] {
			if r[1] == "lena@example.org" && (r[2] != "2" || r[3] == "" || r[5] == "" || r[6] == "" || r[7] != "no") {
				t.Errorf("%s: learner row %q", p, r)
			}
		}
	}
	// Filters apply, and every matching row comes, not one page.
	resp, body := w.app.do(w.cc, "GET", "/api/v1/learners.csv?band=none&sort=-name", nil)
	expect(t, resp, body, http.StatusOK)
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="caseload-band-none-2026-03-03.csv"` {
		t.Errorf("filtered export named %q, want it named after its filter", cd)
	}
	recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if len(recs) != 1+len(names) {
		t.Errorf("filtered CSV has %d rows, want %d", len(recs)-1, len(names))
	}
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners.csv?sort=nope", nil)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	// A negative change stays a number.
	if csvText("-2") != "'-2" || caseloadCSVRecord(db.CaseloadEntry{PreviousOverall: ptrTo(50.0), LatestOverall: ptrTo(47.5), Delta: ptrTo(-2.5)}, csvIDs)[5] != "-2.5" {
		t.Error("numbers and text neutralised the wrong way round")
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestCohort_PageAndAPI(t *testing.T) {
	w := newWorkspace(t)
	// A second learner who declines, and one with no attempt.
	c2 := w.app.client()
	w.app.register(c2, "dora@example.org")
	resp, body := w.app.do(c2, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.counselor.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(c2, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"mkt.digital": 4}))
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(c2, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"edu.degree": "highschool", "edu.field": nil}))
	expect(t, resp, body, http.StatusCreated)
	low := decode[storedResult](t, body)
	c3 := w.app.client()
	w.app.register(c3, "ed@example.org")
	resp, body = w.app.do(c3, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.counselor.ShareCode})
	expect(t, resp, body, http.StatusCreated)

	resp, body = w.app.do(w.cc, "GET", "/api/v1/cohort", nil)
	expect(t, resp, body, http.StatusOK)
	co := decode[cohortView](t, body)
	if co.Learners != 3 || co.Assessed != 2 {
		t.Errorf("learners %d assessed %d: %s", co.Learners, co.Assessed, body)
	}
	if co.Change != (cohortChangeJSON{Improved: 1, Declined: 1}) {
		t.Errorf("change %+v", co.Change)
	}
	bands := map[string]int{}
	for _, b := range co.Bands {
		bands[b.ID] = b.Count
	}
	wantBands := map[string]int{w.secondResult.Band: 1, low.Band: 1, "none": 1}
	if w.secondResult.Band == low.Band {
		wantBands = map[string]int{low.Band: 2, "none": 1}
	}
	for id, n := range wantBands {
		if bands[id] != n {
			t.Errorf("band %s: %d, want %d (%v)", id, bands[id], n, bands)
		}
	}
	if len(co.Dims) != 6 || co.Dims[0].ID != "education" || co.Dims[0].Learners != 2 {
		t.Errorf("dimensions %+v", co.Dims)
	}
	if len(co.TopSteps) == 0 || co.TopSteps[0].ID != "bachelor-degree" && co.TopSteps[0].Learners < 1 {
		t.Errorf("top steps %+v", co.TopSteps)
	}
	resp, body = w.app.do(w.cc, "GET", "/counselor/cohort", nil)
	expect(t, resp, body, http.StatusOK)
	for _, want := range []string{"Learners per band", "Mean score per area", "Steps most often ranked first", "Improved", `role="img"`, "No attempt yet"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("cohort page lacks %q", want)
		}
	}
	// An empty caseload has a summary too.
	resp, body = w.app.do(w.oc, "GET", "/counselor/cohort", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "No learners share their results with you yet") {
		t.Error("empty cohort page")
	}
}
