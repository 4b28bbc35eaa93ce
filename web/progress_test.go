package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// The progress tests run on the shared test app, with the clock starting on
// 3 Jan 2026.

type progressApp struct {
	*testApp
	profile *assessment.Profile
}

func progressStart(t *testing.T) *progressApp {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 1, 3, 10, 0, 0, 0, time.UTC)}
	app := startTestApp(t, filepath.Join(t.TempDir(), "t.db"), clock, nil)
	profiles, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := profiles.Lookup("ecommerce-manager")
	return &progressApp{testApp: app, profile: p}
}

// progressClient keeps cookies and does not follow redirects.
func progressClient() *http.Client { return (*testApp)(nil).client() }

// send is do with the status, headers and body as a string.
func (a *progressApp) send(c *http.Client, method, path string, body any) (int, http.Header, string) {
	a.t.Helper()
	resp, out := a.do(c, method, path, body)
	return resp.StatusCode, resp.Header, string(out)
}

type progressResult struct {
	ID      int64   `json:"id"`
	Overall float64 `json:"overall"`
}

// submit stores an attempt: the sample answers with changes applied.
func (a *progressApp) submit(c *http.Client, changes map[string]any) progressResult {
	a.t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "answers.json"))
	if err != nil {
		a.t.Fatal(err)
	}
	var sub struct {
		Profile string         `json:"profile"`
		Answers map[string]any `json:"answers"`
	}
	if err := json.Unmarshal(data, &sub); err != nil {
		a.t.Fatal(err)
	}
	for k, v := range changes {
		sub.Answers[k] = v
	}
	status, _, body := a.send(c, "POST", "/api/v1/assessments", sub)
	if status != http.StatusCreated {
		a.t.Fatalf("submit: %d %s", status, body)
	}
	var r progressResult
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		a.t.Fatal(err)
	}
	return r
}

// progressLearner registers a learner with two attempts: a weaker one on
// 3 Jan 2026 (no degree) and the sample answers on 2 Mar 2026.
func progressLearner(t *testing.T, app *progressApp) (c *http.Client, first, second progressResult) {
	t.Helper()
	c = progressClient()
	app.register(c, "pat@example.com")
	first = app.submit(c, map[string]any{"edu.degree": "highschool", "mkt.digital": 1, "sec.threats": 0})
	app.clock.Set(time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC))
	app.login(c, "pat@example.com")
	second = app.submit(c, nil)
	return c, first, second
}

func progressContains(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestProgressPage_ShowsChartHistoryAndChange(t *testing.T) {
	app := progressStart(t)
	c, first, second := progressLearner(t, app)
	if second.Overall <= first.Overall {
		t.Fatalf("fixture: second attempt %.2f should beat first %.2f", second.Overall, first.Overall)
	}
	status, _, raw := app.send(c, "GET", "/progress", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /progress = %d", status)
	}
	body := html.UnescapeString(raw)
	summary := fmt.Sprintf("Overall went from %s on 3 Jan 2026 to %s on 2 Mar 2026 over 2 attempts", shown1(first.Overall), shown1(second.Overall))
	change := round1(round1(second.Overall) - round1(first.Overall))
	progressContains(t, body,
		`<svg class="chart trend-wide"`, `role="img"`, `aria-label="`+summary+`"`, "<title>"+summary+"</title>",
		">3 Jan 2026</text>", ">2 Mar 2026</text>",
		fmt.Sprintf(`<a href="/results/%d">3 Jan 2026</a> <small class="muted attempt-time">10:00 UTC</small>`, first.ID),
		fmt.Sprintf(`<a href="/results/%d">2 Mar 2026</a> <small class="muted attempt-time">14:05 UTC</small>`, second.ID),
		shown1(first.Overall), shown1(second.Overall),
		fmt.Sprintf("+%.1f", change), fmt.Sprintf("up %.1f points", change), "first attempt",
		`<label for="cmp-a">First attempt</label>`, `<label for="cmp-b">Second attempt</label>`,
		fmt.Sprintf(`<option value="%d" selected>`, first.ID), fmt.Sprintf(`<option value="%d" selected>`, second.ID),
		`<caption>Scores out of 100 at each attempt, oldest first</caption>`,
	)
	for _, d := range app.profile.Dimensions {
		progressContains(t, body, `<th scope="col" class="num">`+d.Name+`</th>`)
	}
	// Newest first in the history table.
	if strings.Index(body, "14:05 UTC</small>") > strings.Index(body, "10:00 UTC</small>") {
		t.Error("history is not newest first")
	}
	if strings.Contains(raw, "style=") || strings.Contains(raw, "<script>") {
		t.Error("page has an inline style or script, which the CSP forbids")
	}
}

func TestProgressPage_EmptyStateInvitesTheAssessment(t *testing.T) {
	app := progressStart(t)
	c := progressClient()
	app.register(c, "new@example.com")
	status, _, body := app.send(c, "GET", "/progress", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /progress = %d", status)
	}
	progressContains(t, body, "No attempts yet", `<a class="button" href="/assessment">Take the assessment</a>`)
	if strings.Contains(body, "<svg class=\"chart") {
		t.Error("empty progress page draws a chart")
	}
}

func TestProgressPage_OneAttemptIsOnePoint(t *testing.T) {
	app := progressStart(t)
	c := progressClient()
	app.register(c, "one@example.com")
	r := app.submit(c, nil)
	_, _, raw := app.send(c, "GET", "/progress", nil)
	body := html.UnescapeString(raw)
	progressContains(t, body, fmt.Sprintf("Overall score %s on 3 Jan 2026, the only attempt so far", shown1(r.Overall)),
		">3 Jan 2026</text>", "Take the assessment again to compare two attempts.")
	if n := strings.Count(body, `<circle class="marker"`); n != 2 { // one per layout
		t.Errorf("markers = %d, want 2 (one per layout)", n)
	}
}

func TestComparePage_ShowsDimensionsStepsAndAnswers(t *testing.T) {
	app := progressStart(t)
	c, first, second := progressLearner(t, app)
	status, _, raw := app.send(c, "GET", fmt.Sprintf("/progress/compare?a=%d&b=%d", first.ID, second.ID), nil)
	if status != http.StatusOK {
		t.Fatalf("compare = %d", status)
	}
	body := html.UnescapeString(raw)
	for _, d := range app.profile.Dimensions {
		progressContains(t, body, `<th scope="row">`+d.Name+" ")
	}
	var degreeStep, degreePrompt string
	for _, st := range app.profile.Steps {
		if st.ID == "bachelor-degree" {
			degreeStep = st.Title
		}
	}
	if q, ok := app.profile.Question("edu.degree"); ok {
		degreePrompt = q.Prompt
	}
	gone := body[strings.Index(body, "Steps no longer needed"):strings.Index(body, "New steps")]
	progressContains(t, gone, degreeStep)
	progressContains(t, body,
		"3 Jan 2026, 10:00 UTC", "2 Mar 2026, 14:05 UTC",
		shown1(first.Overall), shown1(second.Overall),
		"now met", degreePrompt, "High school", "Bachelor", `class="change up"`,
		"Your band moved from",
	)
	// The same attempt twice is allowed and says so.
	_, _, same := app.send(c, "GET", fmt.Sprintf("/progress/compare?a=%d&b=%d", second.ID, second.ID), nil)
	progressContains(t, same, "You chose the same attempt twice")
}

func TestComparePage_RejectsOthersAndBadParams(t *testing.T) {
	app := progressStart(t)
	c, first, _ := progressLearner(t, app)
	other := progressClient()
	app.register(other, "other@example.com")
	theirs := app.submit(other, nil)

	tests := []struct {
		name   string
		query  string
		status int
		wants  []string
	}{
		{"another learner's attempt", fmt.Sprintf("a=%d&b=%d", first.ID, theirs.ID), http.StatusNotFound, []string{"no such attempt"}},
		{"no such attempt", fmt.Sprintf("a=%d&b=999999", first.ID), http.StatusNotFound, nil},
		{"a not a number", fmt.Sprintf("a=abc&b=%d", first.ID), http.StatusBadRequest, []string{`The "a" parameter (first attempt) must be the number`, `"abc"`, `<select id="cmp-a"`}},
		{"b missing", fmt.Sprintf("a=%d", first.ID), http.StatusBadRequest, []string{`Choose a second attempt: the "b" parameter is missing.`, `<select id="cmp-b"`}},
		{"both missing", "", http.StatusBadRequest, []string{`"a" parameter`, `"b" parameter`}},
		{"negative id", fmt.Sprintf("a=-1&b=%d", first.ID), http.StatusBadRequest, []string{`"a" parameter`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, raw := app.send(c, "GET", "/progress/compare?"+tt.query, nil)
			if status != tt.status {
				t.Fatalf("status = %d, want %d", status, tt.status)
			}
			progressContains(t, html.UnescapeString(raw), tt.wants...)
		})
	}
}

func TestProgressPages_AnonymousIsSentToLogin(t *testing.T) {
	app := progressStart(t)
	for _, path := range []string{"/progress", "/progress/compare?a=1&b=2"} {
		status, h, _ := app.send(progressClient(), "GET", path, nil)
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("GET %s anonymously = %d to %q, want 303 to /login", path, status, h.Get("Location"))
		}
	}
}

func TestNewChange_MatchesTheNumbersShown(t *testing.T) {
	tests := []struct {
		from, to    float64
		class, text string
		words       string
	}{
		{42.14, 45.36, "up", "+3.3", "up 3.3 points"}, // shown as 42.1 and 45.4
		{50, 48.96, "down", "−1.0", "down 1.0 points"},
		{60.04, 60.01, "same", "±0.0", "no change"},
	}
	for _, tt := range tests {
		got := newChange(enPrinter(t), tt.from, tt.to)
		if got.Class != tt.class || got.Text != tt.text || got.Words != tt.words {
			t.Errorf("newChange(%v, %v) = %+v, want %s %s %q", tt.from, tt.to, got, tt.class, tt.text, tt.words)
		}
	}
}

// The same change reads the same for the learner and their counselor: each
// score rounded once, the change taken from the rounded scores, on the
// progress page, the caseload, the learner page and the CSV.
func TestScoreChange_SameFigureForLearnerAndCounselor(t *testing.T) {
	// 40.04 → 58.36 shows as 40.0 → 58.4: +18.4, although the exact
	// difference (18.32) would round to 18.3.
	from, to := 40.04, 58.36
	if got := newChange(enPrinter(t), from, to).Text; got != "+18.4" {
		t.Fatalf("progress change %q, want +18.4", got)
	}
	s, _ := testSite(t)
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	row := s.caseloadRow(c, db.CaseloadEntry{LatestOverall: &to, PreviousOverall: &from, Delta: ptrTo(to - from), LatestBand: ptrTo("nearly-ready")})
	if row.Change == nil || row.Change.Text != "+18.4" {
		t.Errorf("caseload change %+v, want +18.4", row.Change)
	}
	rec := caseloadCSVRecord(db.CaseloadEntry{LatestOverall: &to, PreviousOverall: &from, Delta: ptrTo(to - from)}, csvIDs)
	if rec[5] != "18.4" {
		t.Errorf("CSV change %q, want 18.4", rec[5])
	}
	if got := shownChange(0.05, 0.14); got != 0 {
		t.Errorf("0.05 → 0.14 shows as 0.1 → 0.1, so no change; got %v", got)
	}
}

// On compare, answers are levels and the effect is in score points: an
// answer that dropped from Expert to Practiced, both at or above the
// target, cost nothing and says so; one that rose below its target shows
// the score points it gained.
func TestCompare_LevelsAsLevelsEffectInScorePoints(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "levels@example.org")
	// web.html's target is 2 (Practiced); sec.practices' is 3 (Proficient).
	resp, body := app.do(c, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"web.html": 4, "sec.practices": 1}))
	expect(t, resp, body, http.StatusCreated)
	a := decode[storedResult](t, body).ID
	app.clock.Advance(2 * time.Hour) // the same day
	resp, body = app.do(c, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"web.html": 2, "sec.practices": 3}))
	expect(t, resp, body, http.StatusCreated)
	b := decode[storedResult](t, body).ID
	resp, body = app.do(c, "GET", fmt.Sprintf("/progress/compare?a=%d&b=%d", a, b), nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	items := page[strings.Index(page, `class="compare-items"`):]
	items = items[:strings.Index(items, "</table>")]
	for _, want := range []string{"4 · Expert", "2 · Practiced", "none: at or above the level the role needs both times",
		"1 · Aware", "3 · Proficient", "the role needs 3 · Proficient", "Effect on your score"} {
		if !strings.Contains(items, want) {
			t.Errorf("the changed answers lack %q", want)
		}
	}
	if strings.Contains(items, " of 2") || strings.Contains(items, "−2") {
		t.Errorf("the changed answers still speak of item points: %s", items)
	}
	// Two attempts on one day: the columns give the time too.
	if !strings.Contains(items, "2 Mar 2026, 09:00") || !strings.Contains(items, "2 Mar 2026, 11:00") {
		t.Errorf("same-day columns are not told apart by time")
	}
}
