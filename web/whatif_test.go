package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/readiness/readiness/scoring"
)

// answersQuery is answers as the what-if form sends them.
func answersQuery(answers map[string]any) url.Values {
	q := url.Values{"whatif": {"1"}}
	for id, v := range answers {
		switch v := v.(type) {
		case []any:
			for _, k := range v {
				q.Add(id, k.(string))
			}
		case []string:
			for _, k := range v {
				q.Add(id, k)
			}
		case float64:
			q.Set(id, strconv.Itoa(int(v)))
		case int:
			q.Set(id, strconv.Itoa(v))
		case string:
			q.Set(id, v)
		}
	}
	return q
}

func scoreOf(t *testing.T, app *testApp, answers map[string]any) scoring.Result {
	t.Helper()
	resp, body := app.do(app.client(), "POST", "/api/v1/score", map[string]any{"profile": "ecommerce-manager", "answers": answers})
	expect(t, resp, body, http.StatusOK)
	var r scoring.Result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWhatIf_PrefilledWithTheResultsAnswers(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "wim@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	stored := decode[storedResult](t, body)
	path := fmt.Sprintf("/results/%d/what-if", stored.ID)

	resp, body = app.do(c, "GET", path, nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	progressContains(t, page,
		"<title>What if…? Your result of 2 Mar 2026 · Readiness</title>",
		fmt.Sprintf(`<form method="get" action="%s" class="whatif-form" id="wi-form" novalidate>`, path),
		`<input type="hidden" name="whatif" value="1">`,
		// Every section on one page, each answer as it was given.
		`<details class="card whatif-section" id="wi-sec-education">`, "<summary><h2>Education and credentials</h2> <span class=\"muted small\">4 questions</span></summary>",
		`<details class="card whatif-section" id="wi-sec-core">`,
		`name="edu.degree" value="bachelor" checked`, `name="edu.field" value="related" checked`,
		`name="edu.certifications" value="digital-marketing" checked`, `name="mkt.years" value="1-2" checked`,
		`name="sec.practices" value="1" checked`, `name="core.interpersonal" value="4" checked`,
		// Unchanged, the figures are the result's own.
		`<span id="wi-overall">69.1</span>`, "These are your result's answers",
		`<tr data-dim="security" data-stored="38.9">`)
	if n := strings.Count(page, "<fieldset class=\"question"); n != 31 {
		t.Errorf("%d questions on the page, want 31", n)
	}
	if n := strings.Count(page, " checked>"); n < 30 {
		t.Errorf("only %d options checked: the stored answers are not all filled in", n)
	}
	if strings.Count(page, `<span class="change same">`) != 7 {
		t.Errorf("an unchanged what-if should show no change on the overall and the six areas")
	}
}

func TestWhatIf_SubmittedShowsTheNewFiguresAndStoresNothing(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "wim@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	stored := decode[storedResult](t, body)
	path := fmt.Sprintf("/results/%d/what-if", stored.ID)

	answers := sampleSubmission(t)["answers"].(map[string]any)
	for k, v := range map[string]any{"sec.practices": 3, "sec.threats": 3, "sec.payments": 3, "sec.incidents": 2, "mgt.team": 3} {
		answers[k] = v
	}
	want := scoreOf(t, app, answers)
	before := stored.Overall
	var n0, d0 int64
	if err := app.storeCount("assessments", &n0); err != nil {
		t.Fatal(err)
	}
	_ = app.storeCount("drafts", &d0)

	query := answersQuery(answers).Encode()
	resp, body = app.do(c, "GET", path+"?"+query, nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	change := newChange(enPrinter(t), before, want.Overall)
	band, _ := builtinProfile(t).Band(want.Band)
	progressContains(t, page,
		`<span id="wi-overall">`+shown1(want.Overall)+`</span>`,
		fmt.Sprintf(`id="wi-band">%s</span>`, band.Name),
		change.Text, change.Words,
		"5 answers score differently from your result.",
		"<summary><h2>Online security</h2> <span class=\"muted small\">4 questions · 4 answers changed</span></summary>",
		"<summary><h2>Management and operations</h2> <span class=\"muted small\">6 questions · 1 answer changed</span></summary>",
		`name="sec.incidents" value="2" checked`, `name="mgt.team" value="3" checked`)
	for _, d := range want.Dimensions {
		if d.ID == "security" || d.ID == "management" {
			progressContains(t, page, `<td class="num wi-new">`+shown1(d.Score)+`</td>`)
		}
	}
	// Security training is no longer needed; the others remain in rank order.
	gone := page[strings.Index(page, `id="wi-gone"`):]
	gone = gone[:strings.Index(gone, "</ul>")]
	if !strings.Contains(gone, "Train in online security") {
		t.Errorf("security training is not among the steps no longer needed: %s", gone)
	}
	remain := page[strings.Index(page, `id="wi-steps"`):]
	remain = remain[:strings.Index(remain, "</ol>")]
	last := -1
	for _, st := range want.Steps {
		if st.AlsoConsider() {
			continue
		}
		i := strings.Index(remain, "<strong>"+html.UnescapeString(st.Title)+"</strong>")
		if i < 0 || i < last {
			t.Errorf("step %q missing or out of order in %s", st.Title, remain)
		}
		last = i
	}
	if strings.Contains(remain, "Train in online security") {
		t.Error("security training still listed as remaining")
	}

	// Nothing stored, and the same address shows the same page again.
	var n1, d1 int64
	_ = app.storeCount("assessments", &n1)
	_ = app.storeCount("drafts", &d1)
	if n1 != n0 || d1 != d0 {
		t.Errorf("a what-if stored something: assessments %d → %d, drafts %d → %d", n0, n1, d0, d1)
	}
	_, again := app.do(c, "GET", path+"?"+query, nil)
	if string(again) != string(body) {
		t.Error("the same what-if address shows a different page")
	}
	_, body = app.do(c, "GET", fmt.Sprintf("/api/v1/assessments/%d", stored.ID), nil)
	if decode[storedResult](t, body).Overall != before {
		t.Error("the stored result changed")
	}
}

func TestWhatIf_InvalidAnswersGetTheAssessmentsMessages(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "wim@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	path := fmt.Sprintf("/results/%d/what-if", decode[storedResult](t, body).ID)

	answers := sampleSubmission(t)["answers"].(map[string]any)
	answers["sec.practices"] = 9
	answers["edu.certifications"] = []string{"none", "security"}
	delete(answers, "mkt.years")
	resp, body = app.do(c, "GET", path+"?"+answersQuery(answers).Encode(), nil)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	page := html.UnescapeString(string(body))
	progressContains(t, page, "3 answers need your attention", "Some answers below need your attention",
		`<fieldset class="question has-error rating" id="q-sec.practices"`,
		// The areas with a problem are open; the others folded.
		`<details class="card whatif-section" id="wi-sec-security" open>`, `<details class="card whatif-section" id="wi-sec-marketing" open>`,
		`<details class="card whatif-section" id="wi-sec-web">`)
	if strings.Contains(page, `id="wi-overall"`) {
		t.Error("figures shown for invalid answers")
	}

	// The assessment's sections, sent the same values, say the same.
	sections := []struct {
		n     int
		q     string
		value []string
	}{{1, "edu.certifications", []string{"none", "security"}}, {2, "mkt.years", nil}, {4, "sec.practices", []string{"9"}}}
	for _, sec := range sections {
		form := sectionForm(t, sec.n, "next", sec.q)
		for _, v := range sec.value {
			form.Add(sec.q, v)
		}
		resp, body := app.do(app.client(), "POST", "/assessment", form)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		want := fieldError(t, html.UnescapeString(string(body)), sec.q)
		if got := fieldError(t, page, sec.q); got != want {
			t.Errorf("%s: what-if says %q, the assessment %q", sec.q, got, want)
		}
		progressContains(t, page, fmt.Sprintf(`<a href="#q-%s">`, sec.q))
	}
	// An answer the form cannot even hold is refused the same way.
	resp, _ = app.do(c, "GET", path+"?whatif=1&edu.degree=phd", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown option: %d, want 422", resp.StatusCode)
	}
}

// fieldError is the error shown beside a question on a page.
func fieldError(t *testing.T, page, q string) string {
	t.Helper()
	m := regexp.MustCompile(`<p class="error" id="err-` + regexp.QuoteMeta(q) + `">(.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no error beside %s", q)
	}
	return m[1]
}

func TestWhatIf_OnlyForTheResultsOwner(t *testing.T) {
	app := newTestApp(t)
	c, other := app.client(), app.client()
	app.register(c, "wim@example.org")
	app.register(other, "oda@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	path := fmt.Sprintf("/results/%d/what-if", decode[storedResult](t, body).ID)

	resp, body = app.do(other, "GET", path, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, _ = app.do(app.client(), "GET", path+"?whatif=1", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next="+url.QueryEscape(path)) {
		t.Errorf("anonymous: %d to %q, want the login page and back", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, bad := range []string{"/results/x/what-if", "/results/0/what-if", "/results/v/what-if", "/results/99999/what-if"} {
		resp, body = app.do(c, "GET", bad, nil)
		expect(t, resp, body, http.StatusNotFound)
	}

	// A visitor's result: its what-if is this browser's only.
	v := app.client()
	var loc string
	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		resp, _ = app.do(v, "POST", "/assessment", sectionForm(t, n, action))
		loc = resp.Header.Get("Location")
	}
	resp, body = app.do(v, "GET", loc+"/what-if", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `action="`+loc+`/what-if"`) {
		t.Errorf("visitor what-if form goes elsewhere")
	}
	resp, body = app.do(app.client(), "GET", loc+"/what-if", nil)
	expect(t, resp, body, http.StatusNotFound)
}
