package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

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
