package web

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// Fuzz targets for every decoder of outside input: the JSON bodies of the
// API and the form posts of the pages, driven through the real router in
// process. Each target builds one app and reuses it for every input. The
// properties: never a 5xx (a panic is one, through the recover middleware),
// a success only for valid input, and JSON from every /api/ path.
//
// Each input should meet the same state whenever it runs (an account it
// created is deleted again, the draft and flag are reset, the login
// throttle window has passed): when the same input takes different paths
// depending on what ran before, the fuzzer sees flaky coverage and spends
// its time trying to reproduce it instead of fuzzing.
//
// CI runs each for 15 s: go test -run='^$' -fuzz='^FuzzAPIScore$' -fuzztime=15s ./web

const fuzzPassword = "correct horse battery"

// fuzzApp is one app with a learner who shares with a counselor, and an admin.
type fuzzApp struct {
	*testApp
	learner, counselor, admin string // Cookie header values
	learnerID, adminID        int64
	counselorID               int64
	shareCode                 string
	n                         int // for fresh emails
}

func newFuzzApp(f testing.TB) *fuzzApp {
	f.Helper()
	app := newTestApp(f)
	a := &fuzzApp{testApp: app}
	lc := app.client()
	a.learnerID = app.register(lc, "learner@example.org").ID
	a.learner = a.cookieOf(lc)

	co := app.createUser("counselor@example.org", "counselor")
	a.shareCode, a.counselorID = co.ShareCode, co.ID
	resp, body := app.do(lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": co.ShareCode})
	expect(f, resp, body, http.StatusCreated)
	resp, body = app.do(lc, "POST", "/api/v1/assessments", sampleSubmission(f))
	expect(f, resp, body, http.StatusCreated)
	cc := app.client()
	app.login(cc, "counselor@example.org")
	a.counselor = a.cookieOf(cc)

	ad := app.createUser("admin@example.org", "admin")
	a.adminID = ad.ID
	ac := app.client()
	app.login(ac, "admin@example.org")
	a.admin = a.cookieOf(ac)
	return a
}

// cookieOf is the session cookie a client holds, as a Cookie header value.
func (a *fuzzApp) cookieOf(c *http.Client) string {
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Name + "=" + ck.Value
		}
	}
	a.t.Fatal("no session cookie")
	return ""
}

// newLearner registers a fresh learner (after the fuzzer deleted one).
func (a *fuzzApp) newLearner(t testing.TB) string {
	a.n++
	body, _ := json.Marshal(map[string]string{"email": "again" + strconv.Itoa(a.n) + "@example.org", "password": fuzzPassword, "name": "Again"})
	w := a.serve(t, "POST", "/api/v1/auth/register", "application/json", body, "")
	if w.Code != http.StatusCreated {
		t.Fatalf("re-register: %d %s", w.Code, w.Body)
	}
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			return ck.Name + "=" + ck.Value
		}
	}
	t.Fatal("re-register set no cookie")
	return ""
}

// deleteCreated deletes the account a registration just made, so the same
// input registers afresh next time. The email is the form's, or else the
// JSON body's.
func (a *fuzzApp) deleteCreated(t testing.TB, created bool, body []byte, email ...string) {
	if !created {
		return
	}
	var reg registration
	if len(email) == 0 {
		_ = strictJSON(body, &reg)
		email = append(email, normalEmail(reg.Email))
	}
	u, err := a.store.UserByEmail(t.Context(), email[0])
	if err == nil {
		err = a.store.DeleteUser(t.Context(), u.ID)
	}
	if err != nil {
		t.Fatalf("%q: delete the new account %q: %v", body, email[0], err)
	}
}

// serve sends one request through the router and checks what holds for
// every answer.
func (a *fuzzApp) serve(t testing.TB, method, target, contentType string, body []byte, cookie string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	a.router.ServeHTTP(w, req)
	checkAnswer(t, req, body, w)
	return w
}

// checkAnswer: no 5xx, and an /api/ path answers JSON (or CSV for the
// export, or nothing for a 204 or a redirect).
func checkAnswer(t testing.TB, req *http.Request, in []byte, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("%s %s %q: status %d; body %.300s", req.Method, req.URL, in, w.Code, w.Body)
	}
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return
	}
	if err := contract(t).checkResponse(req, w.Code, w.Header(), w.Body.Bytes()); err != nil {
		t.Fatalf("%q: openapi: %v", in, err)
	}
	if w.Body.Len() == 0 && (w.Code == http.StatusNoContent || w.Code >= 300 && w.Code < 400) {
		return // nothing to read: deleted, or a redirect without a body
	}
	mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if mt != "application/json" && !(mt == "text/csv" && w.Code == http.StatusOK) {
		t.Fatalf("%s %s %q: status %d with Content-Type %q", req.Method, req.URL, in, w.Code, w.Header().Get("Content-Type"))
	}
	if mt == "application/json" && !json.Valid(w.Body.Bytes()) {
		t.Fatalf("%s %s %q: status %d with invalid JSON %.300s", req.Method, req.URL, in, w.Code, w.Body)
	}
}

func is2xx(code int) bool { return code >= 200 && code < 300 }

// strictJSON decodes body as exactly one JSON value of UTF-8 text, with
// JSON v2's own rules (exact names; a name given twice keeps the later
// value): what the API promises to accept.
func strictJSON(body []byte, v any) bool {
	return jsonv2.Unmarshal(body, v, jsontext.AllowDuplicateNames(true)) == nil
}

// namesTwice reports whether the top-level object of a valid JSON body
// gives the name twice.
func namesTwice(body []byte, name string) bool {
	var members []string
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		members = append(members, tok.String())
		if dec.SkipValue() != nil {
			return false
		}
	}
	n := 0
	for _, m := range members {
		if m == name {
			n++
		}
	}
	return n > 1
}

// fuzzForm is the first value of each field, as the pages read a form.
func fuzzForm(body []byte) url.Values {
	v, _ := url.ParseQuery(string(body))
	return v
}

// validRegistration says, without the handlers, whether a registration is
// acceptable by the account rules (which package account tests).
func validRegistration(email, password, name string) bool {
	e, err := account.NormalizeEmail(email)
	if err != nil {
		return false
	}
	n, err := account.CheckName(name)
	if err != nil {
		return false
	}
	return account.CheckPassword(password, e, n) == nil
}

// normalEmail is the email as it is stored, or the input when the account
// rules refuse it (it then matches no account).
func normalEmail(s string) string {
	if e, err := account.NormalizeEmail(s); err == nil {
		return e
	}
	return s
}

// validNote mirrors the note rules: trimmed, 1–2000 characters, text without NUL.
func validNote(text string) bool {
	text = strings.TrimSpace(text)
	return text != "" && utf8.ValidString(text) && !strings.ContainsRune(text, 0) && utf8.RuneCountInString(text) <= 2000
}

var fuzzTextSeeds = []string{
	"", "Ada Lovelace", "  padded  ", "Zoë Ωmega 李雷", "'; DROP TABLE users; --", "<script>alert(1)</script>",
	`" onmouseover="x`, `%_\`, "line\nbreak", "nul\x00byte", "bad\xff\xfeutf8", strings.Repeat("x", 101), "=cmd|' /C calc'!A0",
}

// --- JSON bodies ---

func submissionSeeds(f testing.TB) [][]byte {
	files, _ := filepath.Glob("../testdata/*.json")
	var out [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	sample, _ := json.Marshal(sampleSubmission(f))
	out = append(out, sample, append(append([]byte{}, sample...), '}'), append(append([]byte{}, sample...), " \n"...))
	for _, change := range []map[string]any{
		{"edu.degree": "none", "edu.field": nil}, {"edu.degree": "mba", "edu.field": "ecommerce"},
		{"mkt.sem": 5}, {"mkt.sem": -1}, {"mkt.sem": 2.5}, {"mkt.sem": "2"}, {"mkt.sem": 1e300},
		{"edu.certifications": []string{"none", "security"}}, {"edu.certifications": []string{}},
		{"edu.certifications": "security"}, {"mgt.models": []any{"b2c", "b2c", nil}}, {"web.years": "10"},
		{"unknown.question": 1}, {"core.analytical": nil}, {"<script>": "'; DROP TABLE users; --"},
	} {
		b, _ := json.Marshal(withAnswers(f, change))
		out = append(out, b)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"answers":null}`, `{"profile":"nope","answers":{}}`,
		`{"profile":"ecommerce-manager","answers":[]}`, `{"PROFILE":"ecommerce-manager","Answers":{}}`,
		`{"answers":{"mkt.sem":1}} {}`, `{"answers":{"mkt.sem":1}`, `{"profile":"\ud800"}`, "{\"profile\":\"\xff\"}",
		`{"answers":{"mkt.sem":00}}`, `{"answers":{"mkt.sem":1e1}}`, strings.Repeat("[", 5000), `{"answers":{"a":` + strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat("}", 201) + `}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// validSubmission decodes a submission into a map of raw answers by
// reflection, not by the API's streaming decoder, and validates the map.
// Naming the profile twice is refused: which would the answers be for?
func validSubmission(reg *assessment.Registry, body []byte) bool {
	var sub struct {
		Profile string                     `json:"profile"`
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if !strictJSON(body, &sub) || namesTwice(body, "profile") {
		return false
	}
	if sub.Profile == "" {
		sub.Profile = "ecommerce-manager"
	}
	p, ok := reg.Lookup(sub.Profile)
	if !ok {
		return false
	}
	_, problems := p.Parse(sub.Answers)
	return len(problems) == 0
}

func builtinProfiles(f *testing.F) *assessment.Registry {
	reg, err := assessment.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	return reg
}

func FuzzAPIScore(f *testing.F) {
	a := newFuzzApp(f)
	reg := builtinProfiles(f)
	for _, s := range submissionSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/api/v1/score", "application/json", body, "")
		if valid := validSubmission(reg, body); is2xx(w.Code) != valid {
			t.Fatalf("%q: status %d, valid %v; %.300s", body, w.Code, valid, w.Body)
		}
	})
}

func FuzzAPIAssessments(f *testing.F) {
	a := newFuzzApp(f)
	reg := builtinProfiles(f)
	for _, s := range submissionSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/api/v1/assessments", "application/json", body, a.learner)
		valid := validSubmission(reg, body)
		if is2xx(w.Code) != valid || valid && w.Code != http.StatusCreated {
			t.Fatalf("%q: status %d, valid %v; %.300s", body, w.Code, valid, w.Body)
		}
	})
}

func registrationSeeds() []string {
	out := []string{
		`{"email":"new@example.org","password":"correct horse battery","name":"New Person"}`,
		`{"email":" MiXeD@Example.ORG ","password":"correct horse battery","name":" Padded "}`,
		`{"email":"learner@example.org","password":"correct horse battery","name":"Taken"}`,
		`{"email":"bad","password":"short","name":""}`, `{"email":"a@b.c","password":"` + strings.Repeat("é", 40) + `","name":"x"}`,
		`{"email":"Ada <ada@example.org>","password":"correct horse battery","name":"Ada"}`,
		`{"email":1,"password":true,"name":null}`, `{"EMAIL":"up@example.org","Password":"correct horse battery","NAME":"Up"}`,
		`{"email":"dup@example.org","email":"dup2@example.org","password":"correct horse battery","name":"Dup"}`,
		`{"email":"u1@example.org","password":"correct horse battery","name":"\ud800"}`, `null`, `[]`, `{`, ``,
	}
	for i, name := range fuzzTextSeeds {
		b, _ := json.Marshal(map[string]string{"email": "seed" + strconv.Itoa(i) + "@example.org", "password": fuzzPassword, "name": name})
		out = append(out, string(b))
	}
	out = append(out, "{\"email\":\"raw@example.org\",\"password\":\"correct horse battery\",\"name\":\"bad\xff\"}")
	return out
}

func FuzzAPIRegister(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range registrationSeeds() {
		f.Add([]byte(s))
	}
	taken := map[string]bool{"learner@example.org": true, "counselor@example.org": true, "admin@example.org": true}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/api/v1/auth/register", "application/json", body, "")
		a.deleteCreated(t, w.Code == http.StatusCreated, body)
		var reg registration
		valid := strictJSON(body, &reg) && validRegistration(reg.Email, reg.Password, reg.Name)
		email := normalEmail(reg.Email)
		switch {
		case is2xx(w.Code) && (!valid || taken[email]):
			t.Fatalf("%q: status %d for invalid or taken registration; %.300s", body, w.Code, w.Body)
		case valid && !taken[email] && w.Code != http.StatusCreated:
			t.Fatalf("%q: status %d for a valid registration; %.300s", body, w.Code, w.Body)
		case w.Code == http.StatusCreated:
			var me meResponse
			if json.Unmarshal(w.Body.Bytes(), &me) != nil || me.Role != "learner" || me.Name != strings.TrimSpace(reg.Name) || me.Email != email {
				t.Fatalf("%q: registered as %s", body, w.Body)
			}
		}
	})
}

func FuzzAPILogin(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		`{"email":"learner@example.org","password":"correct horse battery"}`,
		`{"email":" LEARNER@example.org ","password":"correct horse battery"}`,
		`{"email":"learner@example.org","password":"wrong password!"}`,
		`{"email":"nobody@example.org","password":"correct horse battery"}`,
		`{"email":"learner@example.org","password":"` + strings.Repeat("p", 2000) + `"}`,
		`{"email":"'; DROP TABLE users; --","password":"x"}`, `{"email":["x"]}`, `{}`, `null`, `{"email":"a"} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// Every input starts outside the throttle window; the throttle
		// itself is tested in auth_test.go.
		a.clock.Advance(throttleWindow + time.Second)
		w := a.serve(t, "POST", "/api/v1/auth/login", "application/json", body, "")
		var cr credentials
		valid := strictJSON(body, &cr) && normalEmail(cr.Email) == "learner@example.org" && cr.Password == fuzzPassword
		if is2xx(w.Code) != valid && !(valid && w.Code == http.StatusTooManyRequests) {
			t.Fatalf("%q: status %d, valid %v; %.300s", body, w.Code, valid, w.Body)
		}
	})
}

func FuzzAPIShare(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		`{"share_code":"` + a.shareCode + `"}`, `{"share_code":" ` + strings.ToLower(a.shareCode) + ` "}`,
		`{"share_code":""}`, `{"share_code":"NOPE1234"}`, `{"share_code":"'; DROP TABLE users; --"}`,
		`{"share_code":"%_\\"}`, `{"share_code":"<script>alert(1)</script>"}`, `{"share_code":null}`, `{"share_code":7}`,
		"{\"share_code\":\"\xff\"}", `{}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/api/v1/me/counselors", "application/json", body, a.learner)
		var in struct {
			ShareCode string `json:"share_code"`
		}
		valid := strictJSON(body, &in) && strings.ToUpper(strings.TrimSpace(in.ShareCode)) == a.shareCode
		if is2xx(w.Code) != valid {
			t.Fatalf("%q: status %d, valid %v; %.300s", body, w.Code, valid, w.Body)
		}
	})
}

func FuzzAPIDeleteMe(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		`{"password":"wrong password"}`, `{"password":""}`, `{"password":null}`, `{"password":` + strconv.Quote(strings.Repeat("x", 5000)) + `}`,
		`{"password":"correct horse battery"}`, `{"PASSWORD":"correct horse battery"}`, `{"password":"correct horse battery"}]`,
		"{\"password\":\"correct horse battery\xff\"}", `{}`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	cookie := a.learner
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "DELETE", "/api/v1/me", "application/json", body, cookie)
		var in struct {
			Password string `json:"password"`
		}
		valid := strictJSON(body, &in) && in.Password == fuzzPassword
		if is2xx(w.Code) != valid {
			t.Fatalf("%q: status %d, valid %v; %.300s", body, w.Code, valid, w.Body)
		}
		if w.Code == http.StatusNoContent {
			cookie = a.newLearner(t)
		}
	})
}

func FuzzAPINotes(f *testing.F) {
	a := newFuzzApp(f)
	id := strconv.FormatInt(a.learnerID, 10)
	for _, text := range fuzzTextSeeds {
		b, _ := json.Marshal(map[string]string{"text": text})
		f.Add(id, b)
	}
	for _, s := range []string{`{"text":null}`, `{"text":1}`, `{}`, `{"text":"a","text":""}`, `{"text":"` + strings.Repeat("é", 2001) + `"}`, "{\"text\":\"\xff\"}", `{"text":"\u0000"}`, `[]`, ``} {
		f.Add(id, []byte(s))
	}
	f.Add("0", []byte(`{"text":"hi"}`))
	f.Add("99999999999999999999", []byte(`{"text":"hi"}`))
	f.Add("-1", []byte(`{"text":"hi"}`))
	f.Add("../"+id, []byte(`{"text":"hi"}`))
	f.Fuzz(func(t *testing.T, learner string, body []byte) {
		w := a.serve(t, "POST", "/api/v1/learners/"+url.PathEscape(learner)+"/notes", "application/json", body, a.counselor)
		var in struct {
			Text *string `json:"text"`
		}
		valid := learner == id && strictJSON(body, &in) && in.Text != nil && validNote(*in.Text)
		if is2xx(w.Code) != valid {
			t.Fatalf("%q %q: status %d, valid %v; %.300s", learner, body, w.Code, valid, w.Body)
		}
		if valid {
			var n noteJSON
			if json.Unmarshal(w.Body.Bytes(), &n) != nil || n.Text != strings.TrimSpace(*in.Text) {
				t.Fatalf("%q: stored as %s", body, w.Body)
			}
		}
	})
}

func FuzzAPIFlag(f *testing.F) {
	a := newFuzzApp(f)
	id := strconv.FormatInt(a.learnerID, 10)
	for _, s := range []string{`{"flagged":true}`, `{"flagged":false}`, `{"flagged":"true"}`, `{"flagged":1}`, `{"flagged":null}`, `{}`, `{"FLAGGED":true}`, `true`, `[]`, ``, `{"flagged":true}}`} {
		f.Add(id, []byte(s))
	}
	f.Add("0", []byte(`{"flagged":true}`))
	f.Add("1e3", []byte(`{"flagged":true}`))
	f.Fuzz(func(t *testing.T, learner string, body []byte) {
		w := a.serve(t, "PUT", "/api/v1/learners/"+url.PathEscape(learner)+"/flag", "application/json", body, a.counselor)
		var in struct {
			Flagged *bool `json:"flagged"`
		}
		valid := learner == id && strictJSON(body, &in) && in.Flagged != nil
		if is2xx(w.Code) != valid {
			t.Fatalf("%q %q: status %d, valid %v; %.300s", learner, body, w.Code, valid, w.Body)
		}
	})
}

// FuzzCaseloadQuery fuzzes the caseload's query string on the page, the
// API and the CSV export.
func FuzzCaseloadQuery(f *testing.F) {
	a := newFuzzApp(f)
	for _, q := range []string{
		"", "q=ada", "q=%25_%5C", "q=%27%3B+DROP+TABLE+users%3B+--", "q=%3Cscript%3E", "q=%ff%fe", "band=ready", "band=%3Cscript%3E",
		"band=none", "flagged=true", "flagged=maybe", "needs_attention=1", "sort=-overall", "sort=unknown", "sort=-", "sort=--name",
		"page=-1", "page=0", "page=99999999999", "page=2", "q=" + strings.Repeat("x", 101), "q=a&q=b", "q=%zz", "a;b=c",
	} {
		f.Add(uint8(0), q)
	}
	paths := []string{"/counselor", "/api/v1/learners", "/api/v1/learners.csv", "/counselor/caseload.csv"}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		req := httptest.NewRequest("GET", paths[int(which)%len(paths)], nil)
		req.URL.RawQuery = query
		req.Header.Set("Cookie", a.counselor)
		w := httptest.NewRecorder()
		a.router.ServeHTTP(w, req)
		checkAnswer(t, req, []byte(query), w)
	})
}

// --- page forms ---

const formType = "application/x-www-form-urlencoded"

func FuzzFormRegister(f *testing.F) {
	a := newFuzzApp(f)
	for i, name := range fuzzTextSeeds {
		f.Add([]byte(url.Values{"email": {"form" + strconv.Itoa(i) + "@example.org"}, "password": {fuzzPassword}, "name": {name}, "next": {"/progress"}}.Encode()))
	}
	for _, s := range []string{
		"email=learner%40example.org&password=correct+horse+battery&name=Taken", "email=&password=&name=",
		"email=x%40example.org&password=short&name=X&next=%2F%2Fevil.example", "email=%zz&name=a;b", "save=1&next=/results/v1",
		"email=y%40example.org&email=z%40example.org&password=correct+horse+battery&name=Two", "",
	} {
		f.Add([]byte(s))
	}
	taken := map[string]bool{"learner@example.org": true, "counselor@example.org": true, "admin@example.org": true}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/register", formType, body, "")
		v := fuzzForm(body)
		email := normalEmail(v.Get("email"))
		a.deleteCreated(t, w.Code == http.StatusSeeOther, body, email)
		valid := validRegistration(v.Get("email"), v.Get("password"), v.Get("name")) && !taken[email]
		if (w.Code == http.StatusSeeOther) != valid {
			t.Fatalf("%q: status %d, valid %v", body, w.Code, valid)
		}
		if valid {
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("%q: redirected to %q", body, loc)
			}
		}
	})
}

func FuzzFormLogin(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		"email=learner%40example.org&password=correct+horse+battery", "email=LEARNER%40example.org&password=correct+horse+battery&next=%2Fprogress",
		"email=learner%40example.org&password=nope", "email=nobody%40example.org&password=correct+horse+battery",
		"email=learner%40example.org&password=correct+horse+battery&next=%2F%2Fevil.example", "email=%27%3B+DROP+TABLE+users%3B+--", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a.clock.Advance(throttleWindow + time.Second)
		w := a.serve(t, "POST", "/login", formType, body, "")
		v := fuzzForm(body)
		valid := normalEmail(v.Get("email")) == "learner@example.org" && v.Get("password") == fuzzPassword
		if (w.Code == http.StatusSeeOther) != valid && !(valid && w.Code == http.StatusTooManyRequests) {
			t.Fatalf("%q: status %d, valid %v", body, w.Code, valid)
		}
		if loc := w.Header().Get("Location"); w.Code == http.StatusSeeOther && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\")) {
			t.Fatalf("%q: redirected off site to %q", body, loc)
		}
	})
}

func FuzzFormAssessment(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		"section=1&action=next&edu.degree=bachelor&edu.field=marketing&edu.certifications=security&edu.continuing=one",
		"section=1&action=next&edu.degree=none&edu.field=marketing&edu.certifications=none&edu.certifications=security",
		"section=2&action=back&mkt.years=3-5&mkt.digital=3&mkt.sem=9&mkt.affiliate=-1&mkt.analytics=x",
		"section=6&action=finish&core.analytical=3", "section=3&action=save&goto=5&web.html=%3Cscript%3E",
		"section=0&action=next", "section=7", "section=1e1", "section=-1", "section=99999999999999999999", "section=1&action=%00",
		"section=1&edu.degree=%ff", "section=1&edu.certifications=" + strings.Repeat("a", 1000), "",
	} {
		f.Add(true, []byte(s))
		f.Add(false, []byte(s))
	}
	f.Fuzz(func(t *testing.T, learner bool, body []byte) {
		cookie := ""
		if learner {
			cookie = a.learner
			_ = a.store.DeleteDraft(t.Context(), db.DraftOwner{UserID: a.learnerID})
		}
		a.serve(t, "POST", "/assessment", formType, body, cookie)
	})
}

func FuzzFormShare(f *testing.F) {
	a := newFuzzApp(f)
	for _, s := range []string{
		"share_code=" + a.shareCode, "share_code=+" + strings.ToLower(a.shareCode) + "+", "share_code=", "share_code=NOPE",
		"share_code=%27%3B+DROP+TABLE+users%3B+--", "share_code=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "share_code=%25_%5C", "share_code=%ff", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := a.serve(t, "POST", "/account/share", formType, body, a.learner)
		valid := strings.ToUpper(strings.TrimSpace(fuzzForm(body).Get("share_code"))) == a.shareCode
		if (w.Code == http.StatusSeeOther) != valid {
			t.Fatalf("%q: status %d, valid %v", body, w.Code, valid)
		}
	})
}

// FuzzFormCounselor fuzzes the counselor's note and flag forms.
func FuzzFormCounselor(f *testing.F) {
	a := newFuzzApp(f)
	id := strconv.FormatInt(a.learnerID, 10)
	for _, text := range fuzzTextSeeds {
		f.Add(uint8(0), id, []byte(url.Values{"text": {text}}.Encode()))
	}
	for _, s := range []string{"flagged=true", "flagged=false", "flagged=on", "flagged=maybe", "flagged=", ""} {
		f.Add(uint8(1), id, []byte(s))
	}
	f.Add(uint8(0), "0", []byte("text=hi"))
	f.Add(uint8(1), "abc", []byte("flagged=true"))
	f.Fuzz(func(t *testing.T, which uint8, learner string, body []byte) {
		if err := a.store.SetFlagged(t.Context(), a.counselorID, a.learnerID, false); err != nil {
			t.Fatal(err)
		}
		path := "/counselor/learners/" + url.PathEscape(learner)
		v := fuzzForm(body)
		var valid bool
		if which%2 == 0 {
			path += "/notes"
			valid = learner == id && validNote(v.Get("text"))
		} else {
			path += "/flag"
			_, ok := parseBoolParam(v.Get("flagged"))
			valid = learner == id && ok
		}
		w := a.serve(t, "POST", path, formType, body, a.counselor)
		if (w.Code == http.StatusSeeOther) != valid {
			t.Fatalf("%s %q: status %d, valid %v", path, body, w.Code, valid)
		}
	})
}

// FuzzFormAdmin fuzzes the admin forms and the users list's query string.
func FuzzFormAdmin(f *testing.F) {
	a := newFuzzApp(f)
	learner := strconv.FormatInt(a.learnerID, 10)
	for _, s := range []string{"role=counselor", "role=learner", "role=admin", "role=root", "role=", "role=learner&back_q=a&back_page=2"} {
		f.Add(uint8(0), learner, s)
	}
	f.Add(uint8(0), strconv.FormatInt(a.adminID, 10), "role=learner")
	for _, s := range []string{"disabled=true", "disabled=false", "disabled=", "disabled=x"} {
		f.Add(uint8(1), learner, s)
	}
	f.Add(uint8(1), strconv.FormatInt(a.adminID, 10), "disabled=true")
	for _, s := range []string{
		"learner_email=learner%40example.org&counselor_email=counselor%40example.org", "learner_email=&counselor_email=",
		"learner_email=%27%3B+DROP+TABLE+users%3B+--&counselor_email=%3Cscript%3E", "learner_email=counselor%40example.org&counselor_email=learner%40example.org",
	} {
		f.Add(uint8(2), "", s)
	}
	f.Add(uint8(3), "", "learner_id="+learner+"&counselor_id=2")
	f.Add(uint8(3), "", "learner_id=-1&counselor_id=x")
	for _, q := range []string{"q=ada&role=learner&page=2", "q=%25_%5C", "q=%ff", "page=-1", "page=99999999999", "role=%3Cscript%3E", "q=" + strings.Repeat("x", 101)} {
		f.Add(uint8(4), "", q)
	}
	f.Fuzz(func(t *testing.T, which uint8, id, form string) {
		var w *httptest.ResponseRecorder
		switch which % 5 {
		case 0:
			w = a.serve(t, "POST", "/admin/users/"+url.PathEscape(id)+"/role", formType, []byte(form), a.admin)
		case 1:
			w = a.serve(t, "POST", "/admin/users/"+url.PathEscape(id)+"/disabled", formType, []byte(form), a.admin)
		case 2:
			w = a.serve(t, "POST", "/admin/links", formType, []byte(form), a.admin)
		case 3:
			w = a.serve(t, "POST", "/admin/links/remove", formType, []byte(form), a.admin)
		default:
			req := httptest.NewRequest("GET", "/admin/users", nil)
			req.URL.RawQuery = form
			req.Header.Set("Cookie", a.admin)
			w = httptest.NewRecorder()
			a.router.ServeHTTP(w, req)
			checkAnswer(t, req, []byte(form), w)
		}
		if loc := w.Header().Get("Location"); w.Code == http.StatusSeeOther && !strings.HasPrefix(loc, "/admin/users") && loc != "/account" {
			t.Fatalf("%d %q %q: redirected to %q", which, id, form, loc)
		}
		// The fuzzer may make another admin and then demote this one;
		// put it back so the rest of the run still exercises the forms.
		if which%5 <= 1 && w.Code == http.StatusSeeOther {
			u, err := a.store.UserByID(t.Context(), a.adminID)
			if err == nil && (u.Role != "admin" || u.Disabled) {
				role, enabled := "admin", false
				_, _ = a.store.UpdateUser(t.Context(), 0, a.adminID, db.UserChange{Role: &role, Disabled: &enabled})
			}
		}
	})
}
