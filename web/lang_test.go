package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

var htmlLangRe = regexp.MustCompile(`<html lang="([^"]*)">`)

func pageLang(t *testing.T, body []byte) string {
	t.Helper()
	m := htmlLangRe.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no <html lang> in %.200s", body)
	}
	return string(m[1])
}

// The language comes from ?lang= (then remembered), else the cookie, else
// Accept-Language, else English; <html lang> says which.
func TestLanguage_QueryCookieHeaderDefault(t *testing.T) {
	app := newTestApp(t)
	for _, tc := range []struct {
		name, path, accept, want, heading string
	}{
		{"nothing said", "/", "", "en", "Are you ready to be an e-commerce manager?"},
		{"Accept-Language", "/", "es-MX,es;q=0.9,en;q=0.5", "es", "¿Está preparado/a para ser gerente de comercio electrónico?"},
		{"a language we lack", "/", "fr-FR", "en", "Are you ready"},
		{"query wins over the header", "/?lang=en", "es", "en", "Are you ready"},
		{"query", "/?lang=es", "en-US", "es", "¿Está preparado/a"},
		{"unknown query value is ignored", "/?lang=xx", "es", "es", "¿Está preparado/a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := app.do(app.client(), "GET", tc.path, nil, "Accept-Language", tc.accept)
			expect(t, resp, body, http.StatusOK)
			if got := pageLang(t, body); got != tc.want {
				t.Errorf("<html lang=%q>, want %q", got, tc.want)
			}
			if !strings.Contains(string(body), tc.heading) {
				t.Errorf("page lacks %q", tc.heading)
			}
		})
	}

	// ?lang= is remembered: the next page, with no query and an English
	// browser, stays in Spanish until the reader switches back.
	c := app.client()
	app.do(c, "GET", "/?lang=es", nil)
	resp, body := app.do(c, "GET", "/login", nil, "Accept-Language", "en")
	expect(t, resp, body, http.StatusOK)
	if got := pageLang(t, body); got != "es" {
		t.Errorf("after ?lang=es the next page is %q", got)
	}
	app.do(c, "GET", "/login?lang=en", nil)
	_, body = app.do(c, "GET", "/", nil, "Accept-Language", "es")
	if got := pageLang(t, body); got != "en" {
		t.Errorf("after ?lang=en the next page is %q", got)
	}
}

// Every page's header has a link to the same page in the other language,
// keeping the rest of the query.
func TestLanguage_SwitchLinksToTheSamePage(t *testing.T) {
	app := newTestApp(t)
	resp, body := app.do(app.client(), "GET", "/login?next=%2Fprogress", nil)
	expect(t, resp, body, http.StatusOK)
	link := regexp.MustCompile(`<a href="([^"]*)" lang="es" hreflang="es">Español</a>`).FindSubmatch(body)
	if link == nil {
		t.Fatalf("no switch to Spanish in the header")
	}
	u, err := url.Parse(strings.ReplaceAll(string(link[1]), "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/login" || u.Query().Get("lang") != "es" || u.Query().Get("next") != "/progress" {
		t.Errorf("switch link %q: want /login with lang=es and next kept", link[1])
	}
	_, body = app.do(app.client(), "GET", "/login?lang=es", nil)
	if !strings.Contains(string(body), `lang="en" hreflang="en">English</a>`) {
		t.Error("a Spanish page has no switch back to English")
	}
}

// A page shown in answer to a form links to the page the form was on.
func TestLanguage_SwitchOnARefusedFormGoesToTheFormsPage(t *testing.T) {
	app := newTestApp(t)
	resp, body := app.do(app.client(), "POST", "/login", url.Values{"email": {"x"}, "password": {"y"}},
		"Referer", app.srv.URL+"/login?next=%2Faccount")
	if resp.StatusCode >= 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !strings.Contains(string(body), `href="/login?lang=es&amp;next=%2Faccount"`) {
		t.Errorf("switch link does not lead back to the login form: %s", regexp.MustCompile(`<li class="lang-switch">.*`).Find(body))
	}
	_, body = app.do(app.client(), "POST", "/login", url.Values{"email": {"x"}, "password": {"y"}},
		"Referer", "https://elsewhere.example/login")
	if !strings.Contains(string(body), `href="/?lang=es"`) {
		t.Errorf("a foreign Referer is followed: %s", regexp.MustCompile(`<li class="lang-switch">.*`).Find(body))
	}
}

// Numbers and dates on pages follow the language: a decimal comma in
// Spanish, but never inside an SVG attribute, which needs a point.
func TestLanguage_NumbersInAttributesKeepThePoint(t *testing.T) {
	s, _ := testSite(t)
	var out strings.Builder
	dims := []scoring.DimensionResult{{ID: "web", Name: "Web", Weight: 20, Score: 72.5}}
	if err := s.tmpl["es"]["result"].ExecuteTemplate(&out, "dimension-bars", dims); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, `width="72.5"`) || !strings.Contains(got, "72,5") {
		t.Errorf("bars in Spanish: want width=\"72.5\" and the text 72,5:\n%s", got)
	}
}

// The API speaks the reader's language for profile and result texts and
// messages; ids, option keys and numbers are the same in every language.
func TestAPI_SpanishTextsSameIDsAndNumbers(t *testing.T) {
	app := newTestApp(t)
	c := app.client()

	var en, es map[string]any
	resp, body := app.do(c, "GET", "/api/v1/profiles/ecommerce-manager", nil)
	expect(t, resp, body, http.StatusOK)
	decodeInto(t, body, &en)
	resp, body = app.do(c, "GET", "/api/v1/profiles/ecommerce-manager", nil, "Accept-Language", "es-MX,es;q=0.9")
	expect(t, resp, body, http.StatusOK)
	decodeInto(t, body, &es)
	if es["title"] != "Gerente de comercio electrónico" || es["language"] != "es" || en["language"] != "en" {
		t.Errorf("profile in Spanish: title %q, language %q / %q", es["title"], es["language"], en["language"])
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("Vary %q: a cache would mix the languages", resp.Header.Get("Vary"))
	}
	if got, want := idsAndNumbers(es), idsAndNumbers(en); got != want {
		t.Errorf("ids or numbers differ between languages:\n es %s\n en %s", got, want)
	}
	q := es["questions"].([]any)[0].(map[string]any)
	if q["id"] != "edu.degree" || q["prompt"] != "¿Cuál es el título más alto que ha completado?" {
		t.Errorf("first question in Spanish: %v", q)
	}

	// Scoring: the same result, in words of the reader's language.
	sub := sampleSubmission(t)
	resp, body = app.do(c, "POST", "/api/v1/score", sub)
	expect(t, resp, body, http.StatusOK)
	var sen, ses map[string]any
	decodeInto(t, body, &sen)
	resp, body = app.do(c, "POST", "/api/v1/score?lang=es", sub)
	expect(t, resp, body, http.StatusOK)
	decodeInto(t, body, &ses)
	if got, want := idsAndNumbers(ses), idsAndNumbers(sen); got != want {
		t.Errorf("score: ids or numbers differ:\n es %s\n en %s", got, want)
	}
	if d := ses["dimensions"].([]any)[0].(map[string]any); d["name"] != "Formación y credenciales" {
		t.Errorf("first dimension in Spanish: %v", d["name"])
	}
	if st := ses["steps"].([]any)[0].(map[string]any); st["title"] == sen["steps"].([]any)[0].(map[string]any)["title"] {
		t.Errorf("step title not translated: %v", st["title"])
	}

	// Problems: the same question ids, said in Spanish.
	resp, body = app.do(c, "POST", "/api/v1/score", withAnswers(t, map[string]any{"mkt.sem": 7}), "Accept-Language", "es")
	expect(t, resp, body, http.StatusUnprocessableEntity)
	var e apiError
	decodeInto(t, body, &e)
	if e.Error != "respuestas no válidas" || len(e.Problems) != 1 || e.Problems[0].Question != "mkt.sem" || e.Problems[0].Problem != "debe ser un número entero de 0 a 4" {
		t.Errorf("problems in Spanish: %s", body)
	}
	resp, body = app.do(c, "GET", "/api/v1/me?lang=es", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	if !strings.Contains(string(body), "no ha iniciado sesión") {
		t.Errorf("401 in Spanish: %s", body)
	}
}

// A stored result reads in the reader's language, and as stored (byte for
// byte) in the language it was stored in.
func TestAPI_StoredResultInTheReadersLanguage(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "lucia@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments?lang=es", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	var created map[string]any
	decodeInto(t, body, &created)
	id := fmt.Sprint(created["id"])
	if d := created["dimensions"].([]any)[0].(map[string]any); d["name"] != "Formación y credenciales" {
		t.Errorf("created, in Spanish: %v", d["name"])
	}
	_, enBody := app.do(c, "GET", "/api/v1/assessments/"+id, nil)
	if !strings.Contains(string(enBody), `"name":"Education and credentials"`) {
		t.Errorf("read in English: %.300s", enBody)
	}
	_, esBody := app.do(c, "GET", "/api/v1/assessments/"+id, nil, "Accept-Language", "es")
	var en, es map[string]any
	decodeInto(t, enBody, &en)
	decodeInto(t, esBody, &es)
	if got, want := idsAndNumbers(es), idsAndNumbers(en); got != want {
		t.Errorf("stored result: ids or numbers differ between languages")
	}
	if !strings.Contains(string(esBody), `"name":"Formación y credenciales"`) {
		t.Errorf("read in Spanish: %.300s", esBody)
	}
	_, list := app.do(c, "GET", "/api/v1/assessments?lang=es", nil)
	if !strings.Contains(string(list), `"name":"Formación y credenciales"`) {
		t.Errorf("list in Spanish: %.300s", list)
	}
}

func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("not JSON: %v: %.300s", err, body)
	}
}

// idsAndNumbers is a JSON value with every text that is not an id blanked:
// what must not change with the language.
func idsAndNumbers(v any) string {
	var walk func(v any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, x := range v {
				switch k {
				case "title", "summary", "name", "description", "label", "prompt", "help", "text", "value", "source", "date", "language":
					out[k] = ""
				default:
					out[k] = walk(x)
				}
			}
			return out
		case []any:
			out := make([]any, len(v))
			for i, x := range v {
				out[i] = walk(x)
			}
			return out
		}
		return v
	}
	data, _ := json.Marshal(walk(v))
	return string(data)
}

// The server does not start with a profile that lacks a language its
// pages speak, and says which file is missing.
func TestNewRouter_RefusesAProfileWithoutEveryLanguage(t *testing.T) {
	data, err := os.ReadFile("../assessment/profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.json": {Data: data}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewRouter(Deps{Profiles: profiles, Logger: discardLogger()})
	if err == nil || !strings.Contains(err.Error(), "ecommerce-manager.es.json") {
		t.Errorf("NewRouter: err = %v, want it to name ecommerce-manager.es.json", err)
	}
}
