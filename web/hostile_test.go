package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Hostile input: bodies too big or too deep, the wrong content type, text
// that is not UTF-8, injection strings in every text field, path traversal,
// absurd query parameters and abusive headers. Nothing may answer 5xx or
// crash; each gets a clear 4xx or is handled as plain data.

// hostileRequest is one request sent in process.
type hostileRequest struct {
	method, path string
	as           string // "", "learner", "counselor" or "admin"
}

func (a *fuzzApp) cookieFor(as string) string {
	switch as {
	case "learner":
		return a.learner
	case "counselor":
		return a.counselor
	case "admin":
		return a.admin
	}
	return ""
}

// send serves a request whose body is read from r (chunked when length < 0).
func (a *fuzzApp) send(t *testing.T, method, target, contentType string, r io.Reader, length int64, cookie string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Body, req.ContentLength = io.NopCloser(r), length
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	a.handler.ServeHTTP(w, req)
	checkAnswer(t, req, nil, w)
	return w
}

// allocsToServe is how many allocations serving body to r takes, on average.
func (a *fuzzApp) allocsToServe(r hostileRequest, body string) float64 {
	cookie := a.cookieFor(r.as)
	return testing.AllocsPerRun(5, func() {
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		a.router.ServeHTTP(httptest.NewRecorder(), req) // the server's allocations, not the OpenAPI check's
	})
}

// jsonBodyEndpoints are the API routes that read a JSON body.
func (a *fuzzApp) jsonBodyEndpoints() []hostileRequest {
	id := strconv.FormatInt(a.learnerID, 10)
	return []hostileRequest{
		{"POST", "/api/v1/score", ""},
		{"POST", "/api/v1/assessments", "learner"},
		{"POST", "/api/v1/auth/register", ""},
		{"POST", "/api/v1/auth/login", ""},
		{"POST", "/api/v1/me/counselors", "learner"},
		{"DELETE", "/api/v1/me", "learner"},
		{"POST", "/api/v1/learners/" + id + "/notes", "counselor"},
		{"PUT", "/api/v1/learners/" + id + "/flag", "counselor"},
	}
}

// formEndpoints are the page routes that take a POST form.
func (a *fuzzApp) formEndpoints() []hostileRequest {
	id := strconv.FormatInt(a.learnerID, 10)
	return []hostileRequest{
		{"POST", "/register", ""},
		{"POST", "/login", ""},
		{"POST", "/logout", "learner"},
		{"POST", "/assessment", ""},
		{"POST", "/assessment", "learner"},
		{"POST", "/assessment/restart", "learner"},
		{"POST", "/account/share", "learner"},
		{"POST", "/account/unshare/2", "learner"},
		{"POST", "/account/delete", "learner"},
		{"POST", "/counselor/learners/" + id + "/notes", "counselor"},
		{"POST", "/counselor/learners/" + id + "/flag", "counselor"},
		{"POST", "/admin/users/" + id + "/role", "admin"},
		{"POST", "/admin/users/" + id + "/disabled", "admin"},
		{"POST", "/admin/links", "admin"},
		{"POST", "/admin/links/remove", "admin"},
	}
}

func TestHostile_OversizedBodiesAre413(t *testing.T) {
	a := newFuzzApp(t)
	big := 70 << 10 // over the 64 KiB cap
	jsonBody := func() []byte {
		return []byte(`{"profile":"ecommerce-manager","text":"` + strings.Repeat("a", big) + `"}`)
	}
	formBody := func() []byte {
		return []byte("section=1&email=a%40example.org&text=" + strings.Repeat("a", big))
	}
	type tc struct {
		r           hostileRequest
		contentType string
		body        []byte
	}
	var cases []tc
	for _, r := range a.jsonBodyEndpoints() {
		cases = append(cases, tc{r, "application/json", jsonBody()})
	}
	for _, r := range a.formEndpoints() {
		cases = append(cases, tc{r, formType, formBody()})
		cases = append(cases, tc{r, "multipart/form-data; boundary=XX",
			[]byte("--XX\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" + strings.Repeat("a", big) + "\r\n--XX--\r\n")})
	}
	for _, c := range cases {
		for _, chunked := range []bool{false, true} {
			name := c.r.method + " " + c.r.path + " " + c.r.as + " " + c.contentType
			if chunked {
				name += " chunked"
			}
			t.Run(name, func(t *testing.T) {
				length := int64(len(c.body))
				if chunked {
					length = -1 // no Content-Length: only reading finds the size
				}
				w := a.send(t, c.r.method, c.r.path, c.contentType, bytes.NewReader(c.body), length, a.cookieFor(c.r.as))
				if w.Code != http.StatusRequestEntityTooLarge {
					t.Fatalf("status %d, want 413; %.200s", w.Code, w.Body)
				}
			})
		}
	}
	// The server is fine afterwards and nothing was half-done.
	var n int64
	if err := a.storeCount("notes", &n); err != nil || n != 0 {
		t.Fatalf("notes after oversized posts: %d, %v", n, err)
	}
	if w := a.send(t, "GET", "/api/v1/me", "", nil, 0, a.learner); w.Code != http.StatusOK {
		t.Fatalf("learner gone after oversized posts: %d", w.Code)
	}
}

func TestHostile_DeeplyNestedJSONIs400WithBoundedWork(t *testing.T) {
	a := newFuzzApp(t)
	bodies := map[string]string{
		"60k [":               strings.Repeat("[", 60_000),
		"60k {":               strings.Repeat(`{"a":`, 12_000),
		"nested answer":       `{"answers":{"mkt.sem":` + strings.Repeat("[", 50_000) + `}}`,
		"nested in a string?": `{"answers":{"mkt.sem":` + strings.Repeat(`{"x":`, 10_000) + `1` + strings.Repeat("}", 10_000) + `}}`,
	}
	for _, r := range a.jsonBodyEndpoints() {
		// Refusing deep nesting costs about what refusing one stray
		// bracket does: the decoders stop at a depth limit rather than
		// recursing through, or allocating for, each of 10,000+ levels.
		// Counted in allocations, not time, so no machine is too slow.
		short := a.allocsToServe(r, "[")
		for name, body := range bodies {
			t.Run(r.method+" "+r.path+" "+name, func(t *testing.T) {
				w := a.send(t, r.method, r.path, "application/json", strings.NewReader(body), int64(len(body)), a.cookieFor(r.as))
				if w.Code != http.StatusBadRequest && !(name == "nested in a string?" && w.Code == http.StatusUnprocessableEntity) {
					t.Fatalf("status %d, want 400; %.200s", w.Code, w.Body)
				}
				if n := a.allocsToServe(r, body); n > short+500 {
					t.Fatalf("%.0f allocations, against %.0f for a body of one bracket", n, short)
				}
			})
		}
	}
	// 100k brackets are over the size cap before they are too deep.
	body := strings.Repeat("[", 100_000)
	if w := a.send(t, "POST", "/api/v1/score", "application/json", strings.NewReader(body), int64(len(body)), ""); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("100k [: status %d, want 413", w.Code)
	}
}

func TestHostile_WrongContentTypeIs415(t *testing.T) {
	a := newFuzzApp(t)
	refused := []string{
		"", "text/plain", "text/plain; charset=utf-8", formType, "multipart/form-data; boundary=x", "application/xml",
		"application/jsonp", "application/json-seq", "json", "application/json; charset", ";", "application/*", "*/*",
	}
	for _, r := range a.jsonBodyEndpoints() {
		for _, ct := range refused {
			t.Run(r.method+" "+r.path+" "+ct, func(t *testing.T) {
				w := a.send(t, r.method, r.path, ct, strings.NewReader(`{}`), 2, a.cookieFor(r.as))
				if w.Code != http.StatusUnsupportedMediaType {
					t.Fatalf("status %d, want 415; %.200s", w.Code, w.Body)
				}
			})
		}
		// JSON with parameters, in any case, is JSON.
		for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON"} {
			w := a.send(t, r.method, r.path, ct, strings.NewReader(`{}`), 2, a.cookieFor(r.as))
			if w.Code == http.StatusUnsupportedMediaType || w.Code == http.StatusBadRequest {
				t.Fatalf("%s %s %s: status %d", r.method, r.path, ct, w.Code)
			}
		}
	}
}

// Text that is not UTF-8 is refused with 422 wherever it would be stored or
// looked up; the caseload page shows the problem beside the search box and
// the admin search ignores it. A JSON \u escape of a lone surrogate is
// valid UTF-8 on the wire and reads as U+FFFD, as encoding/json does.
func TestHostile_InvalidUTF8(t *testing.T) {
	a := newFuzzApp(t)
	id := strconv.FormatInt(a.learnerID, 10)
	bad := "bad\xff\xfe text"
	jsonCases := []struct {
		r    hostileRequest
		body string
	}{
		{hostileRequest{"POST", "/api/v1/auth/register", ""}, `{"email":"u1@example.org","password":"correct horse battery","name":"` + bad + `"}`},
		{hostileRequest{"POST", "/api/v1/auth/register", ""}, `{"email":"u2@example.org","password":"correct horse ` + "\xff" + `","name":"Fine"}`},
		{hostileRequest{"POST", "/api/v1/auth/login", ""}, `{"email":"learner@example.org` + "\xff" + `","password":"correct horse battery"}`},
		{hostileRequest{"POST", "/api/v1/me/counselors", "learner"}, `{"share_code":"` + a.shareCode + "\xff" + `"}`},
		{hostileRequest{"POST", "/api/v1/learners/" + id + "/notes", "counselor"}, `{"text":"` + bad + `"}`},
		{hostileRequest{"POST", "/api/v1/score", ""}, `{"profile":"ecommerce-manager` + "\xff" + `","answers":{}}`},
		{hostileRequest{"DELETE", "/api/v1/me", "learner"}, `{"password":"correct horse battery` + "\xff" + `"}`},
	}
	for _, c := range jsonCases {
		w := a.send(t, c.r.method, c.r.path, "application/json", strings.NewReader(c.body), int64(len(c.body)), a.cookieFor(c.r.as))
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "UTF-8") {
			t.Errorf("%s %s %q: status %d, want 422 naming UTF-8; %s", c.r.method, c.r.path, c.body, w.Code, w.Body)
		}
	}
	formCases := []struct {
		r    hostileRequest
		form url.Values
		want int
	}{
		{hostileRequest{"POST", "/register", ""}, url.Values{"email": {"u3@example.org"}, "password": {fuzzPassword}, "name": {bad}}, http.StatusUnprocessableEntity},
		{hostileRequest{"POST", "/register", ""}, url.Values{"email": {"u4@example.org"}, "password": {"correct horse \xff"}, "name": {"Fine"}}, http.StatusUnprocessableEntity},
		{hostileRequest{"POST", "/counselor/learners/" + id + "/notes", "counselor"}, url.Values{"text": {bad}}, http.StatusUnprocessableEntity},
		{hostileRequest{"POST", "/account/share", "learner"}, url.Values{"share_code": {a.shareCode + "\xff"}}, http.StatusUnprocessableEntity},
		{hostileRequest{"POST", "/login", ""}, url.Values{"email": {"learner@example.org\xff"}, "password": {fuzzPassword}}, http.StatusUnauthorized},
	}
	for _, c := range formCases {
		body := c.form.Encode()
		w := a.send(t, c.r.method, c.r.path, formType, strings.NewReader(body), int64(len(body)), a.cookieFor(c.r.as))
		if w.Code != c.want {
			t.Errorf("%s %s %q: status %d, want %d", c.r.method, c.r.path, body, w.Code, c.want)
		}
		if !utf8ValidPage(w.Body.Bytes()) {
			t.Errorf("%s %s: the page echoes invalid UTF-8", c.r.method, c.r.path)
		}
	}
	if w := a.send(t, "GET", "/api/v1/learners?q=%ff", "", nil, 0, a.counselor); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"q"`) {
		t.Errorf("caseload API q=%%ff: status %d; %s", w.Code, w.Body)
	}
	if w := a.send(t, "GET", "/counselor?q=%ff", "", nil, 0, a.counselor); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "must be text of at most") {
		t.Errorf("caseload page q=%%ff: status %d, problem not shown", w.Code)
	}
	if w := a.send(t, "GET", "/admin/users?q=%ff", "", nil, 0, a.admin); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "learner@example.org") {
		t.Errorf("admin search q=%%ff: status %d, or the unfiltered list is missing", w.Code)
	}
	// Nothing of the refused text was stored.
	var n int64
	if err := a.storeCount("notes", &n); err != nil || n != 0 {
		t.Fatalf("notes: %d, %v", n, err)
	}
	if err := a.storeCount("users", &n); err != nil || n != 3 {
		t.Fatalf("users: %d, %v", n, err)
	}
	// A lone surrogate escape names no character (JSON v2 and I-JSON refuse
	// it; encoding/json quietly made it U+FFFD): malformed, and said where.
	body := `{"email":"sur@example.org","password":"correct horse battery","name":"A \ud800 B"}`
	w := a.send(t, "POST", "/api/v1/auth/register", "application/json", strings.NewReader(body), int64(len(body)), "")
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "surrogate") || !strings.Contains(w.Body.String(), "/name") {
		t.Fatalf("lone surrogate: %d %s", w.Code, w.Body)
	}
	if err := a.storeCount("users", &n); err != nil || n != 3 {
		t.Fatalf("users after the lone surrogate: %d, %v", n, err)
	}
}

func utf8ValidPage(b []byte) bool { return strings.ToValidUTF8(string(b), "") == string(b) }

var injections = []string{"'; DROP TABLE users; --", "<script>alert(1)</script>", `" onmouseover="x`, `%_\`}

// htmlEscaped is s as html/template writes it in text and attributes.
func htmlEscaped(s string) string { return template.HTMLEscapeString(s) }

// checkEscaped fails unless the page shows s escaped and never raw (for a
// string that has anything to escape).
func checkEscaped(t *testing.T, where string, page []byte, s string) {
	t.Helper()
	esc := htmlEscaped(s)
	if esc != s && bytes.Contains(page, []byte(s)) {
		t.Errorf("%s: %q appears unescaped", where, s)
	}
	if !bytes.Contains(page, []byte(esc)) {
		t.Errorf("%s: %q does not appear (escaped as %q)", where, s, esc)
	}
}

func TestHostile_InjectionStringsAreStoredIntactAndShownEscaped(t *testing.T) {
	a := newFuzzApp(t)
	type learner struct {
		id     int64
		cookie string
		name   string
	}
	var learners []learner
	for i, s := range injections {
		body, _ := json.Marshal(map[string]string{"email": "inj" + strconv.Itoa(i) + "@example.org", "password": fuzzPassword, "name": s})
		w := a.send(t, "POST", "/api/v1/auth/register", "application/json", bytes.NewReader(body), int64(len(body)), "")
		if w.Code != http.StatusCreated {
			t.Fatalf("register name %q: %d %s", s, w.Code, w.Body)
		}
		me := decode[meResponse](t, w.Body.Bytes())
		if me.Name != s {
			t.Fatalf("registered name %q, sent %q", me.Name, s)
		}
		var cookie string
		for _, ck := range w.Result().Cookies() {
			if ck.Name == sessionCookie {
				cookie = ck.Name + "=" + ck.Value
			}
		}
		learners = append(learners, learner{me.ID, cookie, s})
		share, _ := json.Marshal(map[string]string{"share_code": a.shareCode})
		if w := a.send(t, "POST", "/api/v1/me/counselors", "application/json", bytes.NewReader(share), int64(len(share)), cookie); w.Code != http.StatusCreated {
			t.Fatalf("share: %d", w.Code)
		}
	}

	for _, l := range learners {
		s := l.name
		path := "/counselor/learners/" + strconv.FormatInt(l.id, 10)
		// A note through the API and one through the form.
		note, _ := json.Marshal(map[string]string{"text": s})
		w := a.send(t, "POST", "/api/v1/learners/"+strconv.FormatInt(l.id, 10)+"/notes", "application/json", bytes.NewReader(note), int64(len(note)), a.counselor)
		if w.Code != http.StatusCreated || decode[noteJSON](t, w.Body.Bytes()).Text != s {
			t.Fatalf("note %q: %d %s", s, w.Code, w.Body)
		}
		form := url.Values{"text": {"form: " + s}}.Encode()
		if w := a.send(t, "POST", path+"/notes", formType, strings.NewReader(form), int64(len(form)), a.counselor); w.Code != http.StatusSeeOther {
			t.Fatalf("note form %q: %d", s, w.Code)
		}

		// Read back intact: the learner's own view and export, the notes API.
		w = a.send(t, "GET", "/api/v1/me", "", nil, 0, l.cookie)
		if got := decode[meResponse](t, w.Body.Bytes()).Name; got != s {
			t.Errorf("me: name %q, want %q", got, s)
		}
		w = a.send(t, "GET", "/api/v1/me/export", "", nil, 0, l.cookie)
		if !bytes.Contains(w.Body.Bytes(), mustJSON(t, s)) {
			t.Errorf("export lacks the name %q: %.300s", s, w.Body)
		}
		w = a.send(t, "GET", "/api/v1/learners/"+strconv.FormatInt(l.id, 10)+"/notes", "", nil, 0, a.counselor)
		notes := decode[struct{ Notes []noteJSON }](t, w.Body.Bytes())
		texts := map[string]bool{}
		for _, n := range notes.Notes {
			texts[n.Text] = true
		}
		if !texts[s] || !texts["form: "+s] {
			t.Errorf("notes read back %v, want %q and the form's", texts, s)
		}

		// Shown escaped on every page that shows it.
		w = a.send(t, "GET", path, "", nil, 0, a.counselor)
		checkEscaped(t, "learner page", w.Body.Bytes(), s)
		checkEscaped(t, "learner page note", w.Body.Bytes(), "form: "+s)
		w = a.send(t, "GET", "/counselor?q="+url.QueryEscape(s), "", nil, 0, a.counselor)
		checkEscaped(t, "caseload search", w.Body.Bytes(), s)
		w = a.send(t, "GET", "/admin/users?q="+url.QueryEscape(s), "", nil, 0, a.admin)
		checkEscaped(t, "admin search", w.Body.Bytes(), s)
		w = a.send(t, "GET", "/account", "", nil, 0, l.cookie)
		checkEscaped(t, "account page", w.Body.Bytes(), s)

		// Searched literally: LIKE's % _ \ match only themselves.
		w = a.send(t, "GET", "/api/v1/learners?q="+url.QueryEscape(s), "", nil, 0, a.counselor)
		found := decode[struct {
			Total    int
			Learners []caseloadJSON
		}](t, w.Body.Bytes())
		if found.Total != 1 || len(found.Learners) != 1 || found.Learners[0].ID != l.id {
			t.Errorf("caseload search %q found %+v, want only learner %d", s, found.Learners, l.id)
		}

		// Refused share codes and a refused registration echo it escaped.
		form = url.Values{"share_code": {s}}.Encode()
		w = a.send(t, "POST", "/account/share", formType, strings.NewReader(form), int64(len(form)), l.cookie)
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("share code %q: status %d", s, w.Code)
		}
		checkEscaped(t, "share form", w.Body.Bytes(), s)
		share, _ := json.Marshal(map[string]string{"share_code": s})
		if w := a.send(t, "POST", "/api/v1/me/counselors", "application/json", bytes.NewReader(share), int64(len(share)), l.cookie); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("API share code %q: status %d", s, w.Code)
		}
		form = url.Values{"email": {"not an email"}, "password": {fuzzPassword}, "name": {s}}.Encode()
		w = a.send(t, "POST", "/register", formType, strings.NewReader(form), int64(len(form)), "")
		checkEscaped(t, "register form", w.Body.Bytes(), s)
	}

	// Every name on the caseload page, escaped; in the CSV, intact.
	page := a.send(t, "GET", "/counselor", "", nil, 0, a.counselor).Body.Bytes()
	w := a.send(t, "GET", "/api/v1/learners.csv", "", nil, 0, a.counselor)
	rows, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	names := map[string]bool{}
	for _, r := range rows[1:] {
		names[r[0]] = true
	}
	for _, s := range injections {
		checkEscaped(t, "caseload page", page, s)
		if !names[s] {
			t.Errorf("CSV lacks the name %q: %v", s, names)
		}
	}

	// The tables are all still there, with what was put in them.
	for table, want := range map[string]int64{"users": 3 + int64(len(injections)), "notes": 2 * int64(len(injections)), "counselor_links": 1 + int64(len(injections))} {
		var n int64
		if err := a.storeCount(table, &n); err != nil || n != want {
			t.Errorf("%s: %d rows, %v; want %d", table, n, err, want)
		}
	}
	for _, table := range []string{"assessments", "sessions", "drafts", "login_attempts", "visitor_results", "learner_stats", "assessment_dimension_scores"} {
		var n int64
		if err := a.storeCount(table, &n); err != nil {
			t.Errorf("%s: %v", table, err)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHostile_StaticPathTraversal(t *testing.T) {
	a := newFuzzApp(t)
	static := map[string]bool{}
	_ = fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(assets, p)
			static[string(b)] = true
		}
		return nil
	})
	paths := []string{
		"/static/../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/", "/static/%2e%2e/go.mod", "/static/%2e%2e%2fgo.mod",
		"/static/", "/static", "//static/app.css", "/static//app.css", "/static/./app.css", "/static/app.css/",
		"/static/..%5c..%5cgo.mod", "/static/..\\..\\go.mod", "/static/../templates/layout.html", "/static/templates/layout.html",
		"/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/....//go.mod",
		"/static/%00", "/static/app.css%00", "/static/app.css%00.png", "/static/%2500", "/static/app.css%2500",
		"/static/%c0%ae%c0%ae/go.mod", "/static/" + strings.Repeat("a/", 2000), "/static/app.css?../../go.mod",
		"/../go.mod", "/%2e%2e/go.mod", "/static/.", "/static/..", "/static/render.go", "/static/app.js",
	}
	check := func(t *testing.T, p string, status int, body []byte) {
		t.Helper()
		if status >= 500 {
			t.Errorf("%s: status %d", p, status)
		}
		for _, leak := range []string{"module github.com/readiness", "package web", "{{define", "{{template", "root:", "<pre>\n<a href"} {
			if bytes.Contains(body, []byte(leak)) {
				t.Errorf("%s: status %d serves something outside the static files (%q)", p, status, leak)
			}
		}
		if status == http.StatusOK && !static[string(body)] {
			t.Errorf("%s: 200 with a body that is no static file: %.200s", p, body)
		}
	}
	for _, p := range paths {
		// In process, the path exactly as written.
		req := httptest.NewRequest("GET", "/", nil)
		req.URL = &url.URL{Path: mustUnescape(p), RawPath: p}
		if i := strings.IndexByte(p, '?'); i >= 0 {
			req.URL = &url.URL{Path: mustUnescape(p[:i]), RawPath: p[:i], RawQuery: p[i+1:]}
		}
		req.RequestURI = p
		w := httptest.NewRecorder()
		a.handler.ServeHTTP(w, req)
		check(t, p, w.Code, w.Body.Bytes())

		// Over a real connection, with the request line as written.
		status, body := rawGet(t, a.srv.Listener.Addr().String(), p)
		check(t, p+" (raw)", status, body)
	}
	// An encoded NUL byte written raw in the request line is refused by the server.
	status, _ := rawGet(t, a.srv.Listener.Addr().String(), "/static/app.css\x00")
	if status >= 500 || status == http.StatusOK {
		t.Errorf("raw NUL: status %d", status)
	}
}

func mustUnescape(p string) string {
	u, err := url.PathUnescape(p)
	if err != nil {
		return p
	}
	return u
}

// rawGet writes a GET request line by hand, so nothing cleans the path.
func rawGet(t *testing.T, addr, path string) (int, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%q: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestHostile_AbsurdQueryParameters(t *testing.T) {
	a := newFuzzApp(t)
	cases := []struct {
		as, path string
		want     int // 0: anything below 500
	}{
		{"learner", "/api/v1/assessments?page=-1", 422},
		{"learner", "/api/v1/assessments?page=0", 422},
		{"learner", "/api/v1/assessments?page=99999999999", 422},
		{"learner", "/api/v1/assessments?page=99999999999999999999999", 422},
		{"learner", "/api/v1/assessments?page=1e3", 422},
		{"learner", "/api/v1/assessments?page=1000000", 200},
		{"learner", "/api/v1/assessments?limit=0", 422},
		{"learner", "/api/v1/assessments?limit=101", 422},
		{"learner", "/api/v1/assessments?limit=-5&page=%00", 422},
		{"learner", "/api/v1/assessments/99999999999999999999", 404},
		{"learner", "/api/v1/assessments/-1", 404},
		{"learner", "/api/v1/assessments/%3Cscript%3E", 404},
		{"learner", "/api/v1/me/counselors/0", 405},
		{"", "/api/v1/profiles/%3Cscript%3E", 404},
		{"counselor", "/api/v1/learners?page=-1", 422},
		{"counselor", "/api/v1/learners?page=99999999999", 422},
		{"counselor", "/api/v1/learners?page=1000000", 200},
		{"counselor", "/api/v1/learners?sort=unknown", 422},
		{"counselor", "/api/v1/learners?sort=-", 422},
		{"counselor", "/api/v1/learners?sort=--name", 422},
		{"counselor", "/api/v1/learners?band=%3Cscript%3E", 422},
		{"counselor", "/api/v1/learners?flagged=maybe", 422},
		{"counselor", "/api/v1/learners.csv?band=%3Cscript%3E", 422},
		{"counselor", "/api/v1/learners/99999999999999999999/assessments", 404},
		{"counselor", "/api/v1/learners/0/notes", 404},
		{"counselor", "/counselor?page=-1&sort=unknown&band=%3Cscript%3E&flagged=maybe", 200},
		{"counselor", "/counselor?page=99999999999", 200},
		{"counselor", "/counselor?page=1000000", 200},
		{"counselor", "/counselor/caseload.csv?band=%3Cscript%3E", 422},
		{"counselor", "/counselor/learners/99999999999999999999", 404},
		{"counselor", "/counselor/learners/%3Cscript%3E", 404},
		{"admin", "/admin/users?page=-1&role=%3Cscript%3E", 200},
		{"admin", "/admin/users?page=99999999999", 200},
		{"admin", "/admin/users?page=1000000", 200},
		{"", "/assessment?section=-1", 200},
		{"", "/assessment?section=99999999999999999999", 200},
		{"learner", "/progress/compare?a=-1&b=%3Cscript%3E", 0},
		{"learner", "/progress/compare?a=99999999999999999999&b=99999999999999999999", 0},
		{"learner", "/progress?page=-1", 200},
		{"", "/results/-1", 404},
		{"", "/results/v-1", 404},
		{"", "/results/v99999999999999999999", 404},
		{"", "/results/%3Cscript%3E", 404},
		{"", "/login?next=%2F%2Fevil.example%2F%3Cscript%3E", 200},
		{"", "/register?next=javascript:alert(1)&save=%3Cscript%3E", 200},
	}
	for _, c := range cases {
		w := a.send(t, "GET", c.path, "", nil, 0, a.cookieFor(c.as))
		if w.Code >= 500 || c.want != 0 && w.Code != c.want {
			t.Errorf("%s as %q: status %d, want %d; %.200s", c.path, c.as, w.Code, c.want, w.Body)
		}
		if bytes.Contains(w.Body.Bytes(), []byte("<script>")) || bytes.Contains(w.Body.Bytes(), []byte("evil.example")) {
			t.Errorf("%s: reflects the parameter unescaped", c.path)
		}
	}
}

func TestHostile_HeaderAbuse(t *testing.T) {
	a := newFuzzApp(t)
	huge := strings.Repeat("x", 100<<10)
	cases := []struct {
		name    string
		headers []string
	}{
		{"100 KB session cookie", []string{"Cookie", sessionCookie + "=" + huge}},
		{"100 KB other cookie", []string{"Cookie", "other=" + huge + "; " + a.learner}},
		{"many cookies", []string{"Cookie", strings.Repeat(sessionCookie+"=x; ", 5000) + a.learner}},
		{"cookie junk", []string{"Cookie", "\x00\x01;;;==; " + sessionCookie + "=\"\\\"; " + sessionCookie + "=%ff"}},
		{"100 KB user agent", []string{"User-Agent", huge}},
		{"forwarded junk", []string{"X-Forwarded-For", strings.Repeat("300.1.1.1, ::ffff:zz, ", 2000)}},
		{"flash junk", []string{"Cookie", "readiness_flash=" + huge}},
		{"accept-encoding junk", []string{"Accept-Encoding", strings.Repeat("gzip;q=x, ", 5000)}},
	}
	for _, c := range cases {
		for _, path := range []string{"/", "/api/v1/me", "/progress", "/static/app.css"} {
			w := a.send(t, "GET", path, "", nil, 0, "", c.headers...)
			if w.Code >= 500 {
				t.Errorf("%s %s: status %d", c.name, path, w.Code)
			}
		}
	}
	// The 100 KB cookie is ignored: no session, not an error.
	if w := a.send(t, "GET", "/api/v1/me", "", nil, 0, "", "Cookie", sessionCookie+"="+huge); w.Code != http.StatusUnauthorized {
		t.Fatalf("huge cookie: status %d, want 401", w.Code)
	}

	// With the header limit `readiness serve` sets, the server itself answers
	// 431 before the router runs.
	srv := httptest.NewUnstartedServer(a.handler)
	srv.Config.MaxHeaderBytes = 64 << 10
	srv.Start()
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Set("Cookie", sessionCookie+"="+huge)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KB cookie through the server: status %d, want 431", resp.StatusCode)
	}
}

// One JSON value per body: anything after it but whitespace is a 400, even
// a stray ] or } (which json.Decoder.More alone lets through).
func TestHostile_TrailingDataAfterTheJSONIs400(t *testing.T) {
	a := newFuzzApp(t)
	sample := string(mustJSON(t, sampleSubmission(t)))
	for _, tail := range []string{"}", "]", " }", "{}", "x", "\x00", " \t\r\n"} {
		for _, c := range []struct {
			r    hostileRequest
			body string
		}{
			{hostileRequest{"POST", "/api/v1/score", ""}, sample},
			{hostileRequest{"DELETE", "/api/v1/me", "learner"}, `{"password":"wrong password"}`},
			{hostileRequest{"PUT", "/api/v1/learners/" + strconv.FormatInt(a.learnerID, 10) + "/flag", "counselor"}, `{"flagged":true}`},
		} {
			body := c.body + tail
			w := a.send(t, c.r.method, c.r.path, "application/json", strings.NewReader(body), int64(len(body)), a.cookieFor(c.r.as))
			whitespace := strings.TrimSpace(tail) == ""
			if whitespace && w.Code == http.StatusBadRequest || !whitespace && w.Code != http.StatusBadRequest {
				t.Errorf("%s %s with %q after the JSON: status %d; %s", c.r.method, c.r.path, tail, w.Code, w.Body)
			}
		}
	}
}
