package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"

	"github.com/readiness/readiness/assessment"
)

// Every page, rendered in Spanish, must say nothing in English. Two
// checks catch a forgotten string: no English text of the catalogs or the
// profile that differs from its Spanish, and no common English word at
// all (a string written into the code or a template, which no catalog
// knows). The pages are those of a visitor, a learner with two attempts,
// a plan and a draft, their counselor and an admin, with refused forms.
func TestPages_SpanishShowsNoEnglish(t *testing.T) {
	app := newTestApp(t)
	phrases, words := englishPhrases(t)
	pages := spanishPages(t, app)
	if len(pages) < 30 {
		t.Fatalf("only %d pages crawled", len(pages))
	}
	for _, p := range pages {
		if lang := htmlLangRe.FindSubmatch(p.body); lang == nil || string(lang[1]) != "es" {
			t.Errorf("%s: <html lang> is not es", p.name)
			continue
		}
		text := visibleText(p.body)
		for _, ph := range phrases {
			if strings.Contains(text, ph) {
				t.Errorf("%s: English %q on the Spanish page", p.name, ph)
			}
		}
		for _, w := range wordRe.FindAllString(text, -1) {
			if words[strings.ToLower(w)] {
				t.Errorf("%s: the English word %q on the Spanish page, in %q", p.name, w, around(text, w))
				break
			}
		}
	}
	// The checks themselves.
	if text := visibleText([]byte(`<p>Hola <span aria-label="Your score">x</span></p>`)); !strings.Contains(text, "Your score") {
		t.Errorf("visibleText misses aria-label: %q", text)
	}
	if text := visibleText([]byte(`<script>var the = 1</script><p>Hola</p>`)); strings.Contains(text, "the") {
		t.Errorf("visibleText reads scripts: %q", text)
	}
	if !slicesContain(phrases, "Your next steps, most useful first") {
		t.Error("the phrase list lacks a plain catalog text")
	}
}

type crawledPage struct {
	name string
	body []byte
}

// englishWords are common English words that Spanish never uses: one of
// them on a Spanish page is text nobody translated.
var englishWords = []string{"the", "your", "you", "and", "with", "this", "that", "is", "are", "of", "to", "for",
	"has", "have", "was", "from", "by", "at", "it", "an", "be", "not", "or", "in", "on", "what", "which", "will"}

// englishPhrases are the English texts that differ from their Spanish: the
// catalog's (each fixed piece between arguments) and the profile's.
func englishPhrases(t *testing.T) ([]string, map[string]bool) {
	t.Helper()
	read := func(lang string) map[string]*i18n.Message {
		data, err := os.ReadFile("i18n/" + lang + ".toml")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := i18n.ParseMessageBytes(data, toml.Unmarshal)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*i18n.Message{}
		for _, m := range ms {
			out[m.ID] = m
		}
		return out
	}
	en, es := read("en"), read("es")
	seen := map[string]bool{}
	var phrases []string
	add := func(s, other string) {
		if s == other {
			return
		}
		for _, piece := range actionRe.Split(s, -1) {
			piece = strings.Trim(piece, " .,:;()\"“”«»—–-·?¿!¡")
			// A piece of one short word could be anything; two words or a
			// long word is the catalog's own wording.
			if len(wordRe.FindAllString(piece, -1)) < 2 && len(piece) < 9 {
				continue
			}
			if !seen[piece] && !strings.Contains(other, piece) {
				seen[piece] = true
				phrases = append(phrases, piece)
			}
		}
	}
	for key, m := range en {
		if strings.HasPrefix(key, "locale.") || strings.HasPrefix(key, "status.") && es[key] == nil {
			continue
		}
		if o := es[key]; o != nil {
			add(m.Other, o.Other)
			add(m.One, o.One)
		}
	}
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range reg.IDs() {
		pen, _ := reg.Lookup(id)
		pes, _ := reg.LookupIn(id, "es")
		for i, d := range pen.Dimensions {
			add(d.Name, pes.Dimensions[i].Name)
			add(d.Description, pes.Dimensions[i].Description)
		}
		for i, q := range pen.Questions {
			add(q.Prompt, pes.Questions[i].Prompt)
			add(q.Help, pes.Questions[i].Help)
			for j, o := range pen.OptionsOf(&pen.Questions[i]) {
				eo := pes.OptionsOf(&pes.Questions[i])[j]
				add(o.Label, eo.Label)
				add(o.Description, eo.Description)
			}
		}
		for i, s := range pen.Steps {
			add(s.Title, pes.Steps[i].Title)
			add(s.Text, pes.Steps[i].Text)
		}
		for i, b := range pen.Bands {
			add(b.Name, pes.Bands[i].Name)
			add(b.Text, pes.Bands[i].Text)
		}
		for i, f := range pen.Context {
			add(f.Label, pes.Context[i].Label)
			add(f.Value, pes.Context[i].Value)
		}
	}
	sort.Strings(phrases)
	words := map[string]bool{}
	for _, w := range englishWords {
		words[w] = true
	}
	return phrases, words
}

// visibleText is what a page shows or says: its text (not scripts or
// styles) and the attributes a person sees or hears, one space apart.
func visibleText(body []byte) string {
	var b strings.Builder
	z := html.NewTokenizer(bytes.NewReader(body))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) == "script" || string(name) == "style" {
				skip++
			}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if visibleAttrs[string(k)] {
					b.WriteString(" " + string(v) + " ")
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(" " + string(z.Text()) + " ")
			}
		}
	}
}

func around(text, w string) string {
	i := regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).FindStringIndex(text)
	if i == nil {
		return ""
	}
	from, to := max(0, i[0]-60), min(len(text), i[1]+60)
	return strings.Join(strings.Fields(text[from:to]), " ")
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// spanishPages visits every page in Spanish (chosen once with ?lang=es, then
// kept by the cookie) as each kind of person, with refused forms.
func spanishPages(t *testing.T, app *testApp) []crawledPage {
	t.Helper()
	var pages []crawledPage
	get := func(c *http.Client, name, path string, want int) {
		t.Helper()
		resp, body := app.do(c, "GET", path, nil)
		if resp.StatusCode != want {
			t.Errorf("%s: GET %s: status %d, want %d", name, path, resp.StatusCode, want)
		}
		pages = append(pages, crawledPage{name, body})
	}
	post := func(c *http.Client, name, path string, form url.Values, want int) {
		t.Helper()
		resp, body := app.do(c, "POST", path, form, "Referer", app.srv.URL+path)
		if resp.StatusCode != want {
			t.Errorf("%s: POST %s: status %d, want %d; %.300s", name, path, resp.StatusCode, want, body)
		}
		if want != http.StatusSeeOther {
			pages = append(pages, crawledPage{name, body})
		}
	}
	spanish := func() *http.Client {
		c := app.client()
		app.do(c, "GET", "/?lang=es", nil)
		return c
	}

	// A visitor: public pages, refused forms, every section and the result.
	v := spanish()
	get(v, "landing", "/", 200)
	get(v, "login", "/login", 200)
	get(v, "register", "/register", 200)
	get(v, "not found", "/no-such-page", 404)
	post(v, "login refused", "/login", url.Values{"email": {"x@example.org"}, "password": {"wrong password"}}, 401)
	post(v, "register refused", "/register", url.Values{"email": {"no"}, "password": {"short"}, "name": {""}}, 422)
	post(v, "section refused", "/assessment", url.Values{"section": {"1"}, "action": {"next"}}, 422)
	answers := sampleSubmission(t)["answers"].(map[string]any)
	prof := builtinProfile(t)
	for n := 1; n <= len(prof.Dimensions); n++ {
		get(v, fmt.Sprintf("section %d", n), "/assessment?section="+strconv.Itoa(n), 200)
		form := url.Values{"section": {strconv.Itoa(n)}, "action": {"next"}}
		if n == len(prof.Dimensions) {
			form.Set("action", "finish")
		}
		for _, q := range prof.QuestionsIn(prof.Dimensions[n-1].ID) {
			switch a := answers[q.ID].(type) {
			case string:
				form.Add(q.ID, a)
			case float64:
				form.Add(q.ID, strconv.Itoa(int(a)))
			case []any:
				for _, k := range a {
					form.Add(q.ID, k.(string))
				}
			}
		}
		resp, body := app.do(v, "POST", "/assessment", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("section %d: status %d; %.300s", n, resp.StatusCode, body)
		}
		if n == len(prof.Dimensions) {
			get(v, "visitor result", resp.Header.Get("Location"), 200)
		}
	}
	post(v, "clear answers?", "/assessment/restart", url.Values{}, 200)

	// A learner with two attempts, a plan (one step done) and a draft, who
	// shares with a counselor; the counselor has notes and a
	// recommendation for them; an admin.
	l := spanish()
	me := app.register(l, "lucia@example.org")
	co := app.createUser("carmen@example.org", "counselor")
	app.createUser("ada@example.org", "admin")
	resp, body := app.do(l, "POST", "/api/v1/me/counselors", map[string]string{"share_code": co.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(l, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	first := decode[storedResult](t, body).ID
	resp, body = app.do(l, "POST", "/api/v1/plan/items", map[string]string{"step": "security-training"})
	expect(t, resp, body, http.StatusCreated)
	item := decode[struct{ ID int64 }](t, body).ID
	app.clock.Advance(24 * 60 * 60 * 1e9)
	resp, body = app.do(l, "PATCH", "/api/v1/plan/items/"+strconv.FormatInt(item, 10), map[string]string{"status": "done", "evidence": "Curso de seguridad web"})
	expect(t, resp, body, http.StatusOK)
	resp, body = app.do(l, "POST", "/api/v1/plan/items", map[string]string{"step": "core-skills"})
	expect(t, resp, body, http.StatusCreated)
	app.clock.Advance(24 * 60 * 60 * 1e9)
	resp, body = app.do(l, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4}))
	expect(t, resp, body, http.StatusCreated)
	second := decode[storedResult](t, body).ID
	resp, body = app.do(l, "POST", "/assessment", url.Values{"section": {"1"}, "action": {"save"}, "edu.degree": {"master"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d %.200s", resp.StatusCode, body)
	}
	cc := spanish()
	app.login(cc, "carmen@example.org")
	lid := strconv.FormatInt(me.ID, 10)
	resp, body = app.do(cc, "POST", "/api/v1/learners/"+lid+"/notes", map[string]string{"text": "Hablar del curso de seguridad"})
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(cc, "POST", "/api/v1/learners/"+lid+"/recommendations", map[string]any{"step": nil, "title": "Programa local de comercio electrónico", "text": "Dura seis semanas."})
	expect(t, resp, body, http.StatusCreated)

	get(l, "progress", "/progress", 200)
	get(l, "result", "/results/"+strconv.FormatInt(second, 10), 200)
	get(l, "first result", "/results/"+strconv.FormatInt(first, 10), 200)
	get(l, "compare", fmt.Sprintf("/progress/compare?a=%d&b=%d", first, second), 200)
	get(l, "compare refused", "/progress/compare?a=x&b=y", 400)
	get(l, "account", "/account", 200)
	post(l, "share refused", "/account/share", url.Values{"share_code": {"WRONG"}}, 422)
	post(l, "plan form refused", "/plan/items/"+strconv.FormatInt(item, 10), url.Values{"status": {"maybe"}, "evidence": {""}}, 422)
	post(l, "delete refused", "/account/delete", url.Values{"password": {"not it"}}, 422)
	post(l, "time zone refused", "/account/timezone", url.Values{"time_zone": {"Mars/Olympus_Mons"}}, 422)
	get(l, "what if", "/results/"+strconv.FormatInt(second, 10)+"/what-if", 200)
	get(l, "what if, changed", "/results/"+strconv.FormatInt(second, 10)+"/what-if?whatif=1&edu.degree=master", 422)
	m := spanish()
	app.register(m, "marta@example.org")
	resp, body = app.do(m, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	get(m, "start again", "/assessment", 200)
	post(m, "start again refused", "/assessment/start", url.Values{"from": {"nowhere"}}, 400)
	get(l, "not yours", "/results/999999", 404)
	get(l, "counselor page as a learner", "/counselor", 403)

	get(cc, "caseload", "/counselor", 200)
	get(cc, "caseload, no match", "/counselor?q=zzzz", 200)
	get(cc, "caseload, refused filter", "/counselor?band=astronaut", 200)
	get(cc, "cohort", "/counselor/cohort", 200)
	get(cc, "learner view", "/counselor/learners/"+lid, 200)
	get(cc, "recommend", "/counselor/learners/"+lid+"/recommend", 200)
	post(cc, "note refused", "/counselor/learners/"+lid+"/notes", url.Values{"text": {""}}, 422)
	post(cc, "recommendation refused", "/counselor/learners/"+lid+"/recommendations", url.Values{"step": {""}, "title": {""}, "text": {""}, "url": {"ftp://x"}}, 422)
	get(cc, "counselor account", "/account", 200)
	get(cc, "learner not shared", "/counselor/learners/999999", 404)

	a := spanish()
	app.login(a, "ada@example.org")
	get(a, "users", "/admin/users", 200)
	get(a, "audit", "/admin/audit", 200)
	get(a, "audit refused", "/admin/audit?email=not-an-email", 422)
	post(a, "link refused", "/admin/links", url.Values{"learner_email": {"nobody@example.org"}, "counselor_email": {""}}, 422)
	get(a, "admin account", "/account", 200)
	resp, body = app.do(a, "POST", "/admin/users", url.Values{"name": {"Rosa Nueva"}, "email": {"rosa@example.org"}, "role": {"learner"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add a person: %d %.300s", resp.StatusCode, body)
	}
	pages = append(pages, crawledPage{"person added, with the link", body})
	post(a, "add a person refused", "/admin/users", url.Values{"name": {""}, "email": {"no"}, "role": {"learner"}}, 422)
	get(a, "person", "/admin/users/"+lid, 200)
	get(a, "no such person", "/admin/users/999999", 404)
	link := regexp.MustCompile(`/reset/[A-Za-z0-9_.-]+`).Find(body)
	if link == nil {
		t.Fatal("no invitation link on the page")
	}
	get(spanish(), "invitation", string(link), 200)
	get(spanish(), "unknown link", "/reset/nope", 404)
	post(l, "password change refused", "/account/password", url.Values{"current_password": {""}, "new_password": {"short"}}, 422)
	return pages
}
