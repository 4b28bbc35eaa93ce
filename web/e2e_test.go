package web

// End-to-end tests: a real chromium drives the real router (temp-dir SQLite,
// loopback server) the way people use it, with the mouse, with the keyboard
// alone and with JavaScript turned off.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

const e2ePassword = "correct horse battery"

// expectedResult scores the answers through the JSON API, to hold the pages
// to the same numbers.
func (a *testApp) expectedResult(t *testing.T, answers answerSet) scoring.Result {
	t.Helper()
	resp, body := a.do(a.client(), "POST", "/api/v1/score", map[string]any{"profile": "ecommerce-manager", "answers": answers})
	expect(t, resp, body, http.StatusOK)
	var r scoring.Result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// wantResult checks the result page on screen against the scored result:
// band and score, one bar per area, the steps in rank order.
func (p *browserPage) wantResult(prof *assessment.Profile, want scoring.Result) {
	p.t.Helper()
	band, ok := prof.Band(want.Band)
	if !ok {
		p.t.Fatalf("band %q not in the profile", want.Band)
	}
	p.wantText("h1", band.Name)
	p.wantText("h1 .score", shown1(want.Overall))

	bars := eval[[]string](p, `[...document.querySelectorAll('ul.bars svg.bar[role="img"]')].map(s => s.getAttribute("aria-label"))`)
	var wantBars []string
	for _, d := range want.Dimensions {
		wantBars = append(wantBars, fmt.Sprintf("%s: %s out of 100", d.Name, shown1(d.Score)))
	}
	if !slices.Equal(bars, wantBars) {
		p.t.Errorf("bars say %q, want %q", bars, wantBars)
	}
	if n := p.count("ul.bars svg.bar rect.fill"); n != len(want.Dimensions) {
		p.t.Errorf("%d bar fills, want %d", n, len(want.Dimensions))
	}

	steps := eval[[]string](p, `[...document.querySelectorAll("ol.steps > li.step h3")].map(h => h.textContent.trim())`)
	var wantSteps []string
	for _, st := range want.Steps {
		if !st.AlsoConsider() {
			wantSteps = append(wantSteps, st.Title)
		}
	}
	if len(wantSteps) == 0 || !slices.Equal(steps, wantSteps) {
		p.t.Errorf("steps on screen %q, want %q in this order", steps, wantSteps)
	}
	// Ranked: after any step that meets a requirement, gains never rise.
	gains := eval[[]string](p, `[...document.querySelectorAll("ol.steps > li.step")].filter(li => !li.querySelector(".badge")).map(li => li.querySelector(".gain [aria-hidden]").textContent)`)
	prev := 101.0
	for _, g := range gains {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(g, "+"), " points"), 64)
		if err != nil || v > prev {
			p.t.Errorf("gains on screen %q are not in descending order", gains)
			break
		}
		prev = v
	}
}

func TestE2E_VisitorAssessmentSaveRetakeCompare(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	tab := b.tab(t)
	first := modestAnswers()

	ok := t.Run("visitor takes the whole assessment with the form controls", func(t *testing.T) {
		p := app.inBrowser(t, tab)
		p.open("/")
		p.clickThrough(`.hero a[href="/assessment"]`)
		p.wantPath("/assessment")
		p.wantText("h1", prof.Dimensions[0].Name)

		// The field of the degree shows only once a degree is chosen.
		if !eval[bool](p, `document.getElementById("q-edu.field").hidden`) {
			t.Error("the field of degree question shows before a degree is chosen")
		}
		p.click(optionLabel("edu.degree", "bachelor"))
		if eval[bool](p, `document.getElementById("q-edu.field").hidden`) {
			t.Fatal("the field of degree question stays hidden after choosing a bachelor's")
		}

		// Leave one question empty: the page comes back with the error next
		// to it and focus on the summary.
		partial := answerSet{}
		for k, v := range first {
			if k != "edu.continuing" {
				partial[k] = v
			}
		}
		p.answerByClicking(prof, partial)
		p.next()
		p.wantPath("/assessment")
		p.wantText("#error-summary", "1 answer needs your attention")
		if id := eval[string](p, `document.activeElement.id`); id != "error-summary" {
			t.Errorf("focus is on #%s after the error, want the error summary", id)
		}
		p.wantText(`fieldset.has-error[id="q-edu.continuing"] p.error[id="err-edu.continuing"]`, "Choose one of the options.")
		if d := eval[string](p, `document.getElementById("q-edu.continuing").getAttribute("aria-describedby")`); !strings.Contains(d, "err-edu.continuing") {
			t.Errorf("the question's aria-describedby %q does not name its error", d)
		}
		if n := p.count("fieldset.has-error"); n != 1 {
			t.Errorf("%d questions marked in error, want 1", n)
		}
		if !eval[bool](p, `document.querySelector('`+inputSel("edu.degree", "bachelor")+`').checked`) {
			t.Error("the answers given were lost with the error")
		}
		// The summary's link leads to the question.
		p.click(`#error-summary a[href="#q-edu.continuing"]`)
		if !strings.HasSuffix(p.path(), "#q-edu.continuing") {
			t.Errorf("the error link went to %s", p.path())
		}

		p.answerByClicking(prof, first)
		p.next()
		p.wantPath("/assessment?section=2")
		p.answerByClicking(prof, first)
		p.next()
		p.wantPath("/assessment?section=3")

		// Back keeps the answers of the section left.
		p.clickThrough(`form.section-form button[value="back"]`)
		p.wantPath("/assessment?section=2")
		if !eval[bool](p, `document.querySelector('`+inputSel("mkt.years", "1-2")+`').checked`) {
			t.Error("going back lost the section's answers")
		}
		p.wantText(".progress-text", "Section 2 of 6")
		p.next()

		for n := 3; n <= len(prof.Dimensions); n++ {
			if got := p.sectionShowing(); got != n {
				t.Fatalf("on section %d, want %d", got, n)
			}
			p.answerByClicking(prof, first)
			p.next()
		}
		if !strings.HasPrefix(p.path(), "/results/v") {
			t.Fatalf("a visitor finished at %s, want /results/v…", p.path())
		}
		p.wantResult(prof, app.expectedResult(t, first))
	})
	if !ok {
		return
	}

	ok = t.Run("saving by registering, retaking and comparing", func(t *testing.T) {
		p := app.inBrowser(t, tab)
		p.clickThrough(`a[href="/register?save=1"]`)
		p.wantText("h1", "Create an account")
		p.typeInto("#f-name", "Vera Visitor")
		p.typeInto("#f-email", "vera@example.com")
		p.typeInto("#f-password", e2ePassword)
		p.clickThrough(`main form button[type="submit"]`)
		// The save is confirmed on the saved result itself.
		if !strings.HasPrefix(p.path(), "/results/") || strings.HasPrefix(p.path(), "/results/v") {
			t.Fatalf("saving by registering landed at %s, want the saved result", p.path())
		}
		p.wantText(".flash", "Your result is saved to your account.")
		p.clickThrough(`main a[href="/progress"]`)
		p.wantText("main", "You have taken the assessment once")

		app.clock.Advance(36 * time.Hour)
		p.clickThrough(`main a[href="/assessment"]`)
		// Starting again offers the last answers or a blank form: blank here.
		p.wantText("h1", "Take the assessment again")
		p.clickThrough(`form[action="/assessment/start"]:has(input[value="blank"]) button`)
		if n := p.count("input:checked"); n != 0 || p.sectionShowing() != 1 {
			t.Fatalf("a blank start shows section %d with %d answers chosen", p.sectionShowing(), n)
		}
		second := strongerAnswers()
		for n := 1; n <= len(prof.Dimensions); n++ {
			p.answerByClicking(prof, second)
			p.next()
		}
		if !strings.HasPrefix(p.path(), "/results/") || strings.HasPrefix(p.path(), "/results/v") {
			t.Fatalf("a learner finished at %s, want a stored result", p.path())
		}
		want := app.expectedResult(t, second)
		p.wantResult(prof, want)

		p.clickThrough(`main a[href="/progress"]`)
		p.wantText("main", "2 attempts")
		charts := p.count(`figure.trend svg[role="img"]`)
		if charts == 0 {
			t.Fatal(`no trend chart (figure.trend svg[role="img"]) on /progress`)
		}
		// Each rendering of the chart (one per screen size) has both points,
		// and the one on screen has a name.
		if bad := eval[[]int](p, `[...document.querySelectorAll('figure.trend svg[role="img"]')].map(s => s.querySelectorAll("circle.marker").length).filter(n => n !== 2)`); len(bad) > 0 {
			t.Errorf("trend charts with other than 2 point markers: %v", bad)
		}
		shown := eval[[]string](p, `[...document.querySelectorAll('figure.trend svg[role="img"]')].filter(s => s.getClientRects().length > 0).map(s => s.getAttribute("aria-label") || "")`)
		if len(shown) != 1 || shown[0] == "" {
			t.Errorf("visible trend charts' labels %q, want one, named", shown)
		}
		if n := p.count("table.history tbody tr"); n != 2 {
			t.Errorf("%d rows in the history, want 2", n)
		}

		// Compare: the older attempt first.
		ids := eval[[]string](p, `[...document.querySelectorAll("#cmp-a option")].map(o => o.value)`)
		if len(ids) != 2 {
			t.Fatalf("compare options %q, want 2", ids)
		}
		older, newer := ids[1], ids[0] // newest first
		p.do("choose attempts", chromedp.SetValue(chromedp.CSS("#cmp-a"), older), chromedp.SetValue(chromedp.CSS("#cmp-b"), newer))
		p.clickThrough(`form.compare-form button[type="submit"]`)
		p.wantPath("/progress/compare?a=" + older + "&b=" + newer)
		p.wantText("h1", "Compare two attempts")
		p.wantText(".compare-head .side-change", "+")
		if n := p.count(".compare-dims tbody tr"); n != len(prof.Dimensions) {
			t.Errorf("%d areas compared, want %d", n, len(prof.Dimensions))
		}
		if n := p.count(".compare-items tbody tr"); n == 0 {
			t.Error("no changed answers listed")
		}
	})
	if !ok {
		return
	}
}

// readinessBinary builds the command into a temp dir.
func readinessBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go tool to build the CLI: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "readiness")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/readiness/readiness/cmd/readiness").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestE2E_CounselorCaseloadAndNotes(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)

	// The counselor account comes from the command line, on the same file.
	bin := readinessBinary(t)
	cmd := exec.Command(bin, "user", "create", "--db", app.dbPath, "--email", "c@x.example", "--name", "Casey Counselor", "--role", "counselor")
	cmd.Stdin = strings.NewReader(e2ePassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("readiness user create: %v\n%s", err, out)
	}

	counselor := app.inBrowser(t, b.tab(t))
	counselor.open("/login")
	counselor.typeInto("#f-email", "c@x.example")
	counselor.typeInto("#f-password", e2ePassword)
	counselor.clickThrough(`main form button[type="submit"]`)
	counselor.wantPath("/counselor")
	if counselor.openStatus("/counselor") == http.StatusNotFound {
		t.Skip("counselor workspace not built yet")
	}
	counselor.open("/account")
	code := counselor.text("code.code")
	if code == "" {
		t.Fatal("no share code on the counselor's account page")
	}

	learner := app.inBrowser(t, b.tab(t))
	learner.open("/register")
	learner.typeInto("#f-name", "Lena Learner")
	learner.typeInto("#f-email", "lena@example.com")
	learner.typeInto("#f-password", e2ePassword)
	learner.clickThrough(`main form button[type="submit"]`)
	learner.takeAssessment(prof, modestAnswers())
	resultPath := learner.path()
	learner.open("/account")
	learner.typeInto("#f-share_code", code)
	learner.clickThrough(`form[action="/account/share"] button[type="submit"]`)
	learner.wantText("main", "Casey Counselor")

	counselor.open("/counselor")
	counselor.wantText("main", "Lena Learner")
	counselor.clickThrough(`main a[href^="/counselor/learners/"]`)
	if !strings.HasPrefix(counselor.path(), "/counselor/learners/") {
		t.Fatalf("the caseload link led to %s", counselor.path())
	}
	counselor.wantText("main", "Lena Learner")
	counselor.wantText("main", shown1(app.expectedResult(t, modestAnswers()).Overall))
	note := "Talk about the security course in May " + strconv.FormatInt(time.Now().UnixNano(), 36)
	counselor.typeInto(`main form textarea`, note)
	counselor.clickThrough(`main form:has(textarea) button[type="submit"]`)
	counselor.wantText("main", note)

	for _, path := range []string{"/progress", resultPath, "/account"} {
		learner.open(path)
		if body := eval[string](learner, `document.documentElement.outerHTML`); strings.Contains(body, note) {
			t.Errorf("the learner's %s shows the counselor's private note", path)
		}
	}
	if status := learner.openStatus("/counselor"); status != http.StatusForbidden {
		t.Errorf("a learner opening /counselor gets %d, want 403", status)
	}
	// The downloads and the API, fetched with the learner's session.
	for _, path := range []string{"/account/export", "/api/v1/me/export", "/api/v1/assessments"} {
		body, err := chromedp.Run(learner.ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(path)+`).then(r => r.ok ? r.text() : "status " + r.status)`, chromedp.EvalAwaitPromise))
		if err != nil || strings.HasPrefix(body, "status ") {
			t.Errorf("learner fetching %s: %v %s", path, err, body)
		}
		if strings.Contains(body, note) {
			t.Errorf("the learner's %s carries the counselor's private note", path)
		}
	}
}

func TestE2E_KeyboardOnly(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	p := app.inBrowser(t, b.tab(t))
	answers := modestAnswers()

	p.open("/assessment")
	p.key(kb.Tab)
	if !eval[bool](p, `document.activeElement.matches("a.skip") && document.activeElement.getBoundingClientRect().left >= 0`) {
		t.Error("the first Tab does not bring the skip link on screen")
	}
	p.wantFocusVisible("skip link")
	p.key(kb.Enter)
	if id := eval[string](p, `document.activeElement.id`); id != "main" {
		t.Errorf("the skip link moved focus to #%s, want #main", id)
	}

	for n := 1; n <= len(prof.Dimensions); n++ {
		if got := p.sectionShowing(); got != n {
			t.Fatalf("on section %d, want %d", got, n)
		}
		for i, q := range prof.QuestionsIn(prof.Dimensions[n-1].ID) {
			v, ok := answers[q.ID]
			if !ok || eval[bool](p, fmt.Sprintf(`document.getElementById(%q).hidden`, "q-"+q.ID)) {
				continue
			}
			p.answerByKeyboard(prof, q, v)
			if i == 0 {
				p.wantFocusVisible(fmt.Sprintf("section %d, %s", n, q.ID))
			}
		}
		switch n % 3 {
		case 0: // Enter inside the last group submits the form forward
			p.navigating("Enter in a radio group", chromedp.KeyEvent(kb.Enter))
		case 1: // Tab to the button, then Enter
			p.tabTo(`form.section-form button[value="next"], form.section-form button[value="finish"]`)
			p.wantFocusVisible(fmt.Sprintf("section %d forward button", n))
			p.navigating("Enter on the button", chromedp.KeyEvent(kb.Enter))
		case 2: // Tab to the button, then Space
			p.tabTo(`form.section-form button[value="next"], form.section-form button[value="finish"]`)
			p.navigating("Space on the button", chromedp.KeyEvent(" "))
		}
		if n < len(prof.Dimensions) {
			if got := p.sectionShowing(); got != n+1 {
				t.Fatalf("after section %d the keyboard led to section %d (%s), want %d", n, got, p.path(), n+1)
			}
		}
	}
	if !strings.HasPrefix(p.path(), "/results/") {
		t.Fatalf("finished at %s, want the result page", p.path())
	}
	p.wantResult(prof, app.expectedResult(t, answers))

	// The result page's actions are reachable and show focus too.
	p.tabTo(`a[href="/register?save=1"]`)
	p.wantFocusVisible("Save this result")
	p.tabTo(`details summary`)
	p.wantFocusVisible("explanation disclosure")
	p.key(kb.Enter)
	if !eval[bool](p, `document.activeElement.closest("details").open`) {
		t.Error("Enter on a summary does not open the explanation")
	}
}

// answerByKeyboard answers one question with Tab, Space and the arrow keys.
func (p *browserPage) answerByKeyboard(prof *assessment.Profile, q *assessment.Question, v any) {
	p.t.Helper()
	keys := answerKeys(v)
	if q.Type == assessment.TypeMulti {
		for _, o := range prof.OptionsOf(q) {
			p.tabTo(inputSel(q.ID, o.Key))
			if eval[bool](p, `document.activeElement.checked`) != slices.Contains(keys, o.Key) {
				p.key(" ")
			}
		}
	} else {
		// Tab enters the group on its checked radio, or its first; Space
		// checks it; the arrow keys move the choice along the group.
		p.tabTo(fmt.Sprintf(`input[name=%q]`, q.ID))
		p.key(" ")
		var opts []string
		for _, o := range prof.OptionsOf(q) {
			opts = append(opts, o.Key)
		}
		at := slices.Index(opts, eval[string](p, `document.activeElement.value`))
		to := slices.Index(opts, keys[0])
		for ; at < to; at++ {
			p.key(kb.ArrowDown)
		}
		for ; at > to; at-- {
			p.key(kb.ArrowUp)
		}
	}
	if got := p.checked(q.ID); !slices.Equal(got, keys) {
		p.t.Fatalf("%s: the keyboard chose %q, want %q", q.ID, got, keys)
	}
}

func TestE2E_WithoutJavaScript(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	p := app.inBrowser(t, b.noScriptTab(t))

	// No degree: the field question is there without script, says it is
	// skipped, and may stay empty.
	answers := modestAnswers()
	answers["edu.degree"] = "highschool"
	delete(answers, "edu.field")
	p.open("/assessment")
	if eval[bool](p, `document.getElementById("q-edu.field").hidden`) {
		t.Fatal("without script the field question is hidden, so nobody could answer it")
	}
	p.wantText(`[id="hint-edu.field"]`, "only if you hold an associate degree or higher")

	// An empty question still comes back with its error, from the server.
	partial := answerSet{}
	for k, v := range answers {
		if k != "edu.certifications" {
			partial[k] = v
		}
	}
	p.answerByClicking(prof, partial)
	p.next()
	p.wantText(`fieldset.has-error[id="q-edu.certifications"] .error`, "Choose every one that applies, or “None of these”.")
	for n := 1; n <= len(prof.Dimensions); n++ {
		p.answerByClicking(prof, answers)
		p.next()
	}
	if !strings.HasPrefix(p.path(), "/results/") {
		t.Fatalf("without script the assessment ended at %s, want a result", p.path())
	}
	want := app.expectedResult(t, answers)
	p.wantResult(prof, want)
	p.wantText(".requirements li.unmet", "not met")
	if want.Steps[0].ID != "bachelor-degree" {
		t.Fatalf("expected the degree step first, got %s", want.Steps[0].ID)
	}
}
