package web

// The accessibility audit: axe-core runs in chromium on every page, in the
// states people see them (empty, with errors, with results), against WCAG
// 2.1 A and AA.

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is the axe-core script named by READINESS_AXE_JS.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("READINESS_AXE_JS")
	if path == "" {
		// Where .ci/run installs it.
		path = "../.ci/node/node_modules/axe-core/axe.min.js"
		if _, err := os.Stat(path); err != nil {
			missingTool(t, "READINESS_AXE_JS is not set; install axe-core (npm install --prefix .ci/node axe-core@4.10.3) and point it at axe.min.js")
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		missingTool(t, "READINESS_AXE_JS: %v", err)
	}
	return string(data)
}

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

const axeRunJS = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))})))`

// reporter is the part of testing.T the audit reports to.
type reporter interface {
	Helper()
	Error(args ...any)
	Fatalf(format string, args ...any)
}

// fakeT records errors instead of failing, to test the audit itself.
type fakeT struct {
	*testing.T
	errors strings.Builder
}

func (f *fakeT) Error(args ...any) { fmt.Fprintln(&f.errors, args...) }

// audit runs axe on the page on screen and reports every violation. The
// script is evaluated through DevTools, which the page's CSP does not govern.
func (p *browserPage) audit(t reporter, axe string) {
	t.Helper()
	if !eval[bool](p, `typeof axe === "object"`) {
		if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	// Open every disclosure, so the content behind it is audited too.
	// Then let the page's script react (its toggle events are async).
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { d.open = true });
	  new Promise(r => requestAnimationFrame(() => setTimeout(r, 20)))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("open details: %v", err)
	}
	vs, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run on %s: %v", p.location(), err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s [%s] %s (%s)", p.location(), v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %v: %.200s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		t.Error(b.String())
	}
}

// auditHere audits the page on screen as a subtest; the flow around it goes
// on whatever the subtest finds.
func (p *browserPage) auditHere(t *testing.T, name, axe string) {
	t.Helper()
	t.Run(name, func(t *testing.T) { p.sub(t).audit(t, axe) })
}

// auditPath opens path, expecting the status, and audits it. A page that
// should answer 200 but answers 404 is not built yet: its audit is skipped,
// and auditPath reports false.
func (p *browserPage) auditPath(t *testing.T, name, path, axe string, want int64) bool {
	t.Helper()
	status := p.openStatus(path)
	t.Run(name, func(t *testing.T) {
		if status == http.StatusNotFound && want != http.StatusNotFound {
			t.Skipf("%s answers 404: not built yet", path)
		}
		if status != want {
			t.Fatalf("%s answers %d, want %d", path, status, want)
		}
		p.sub(t).audit(t, axe)
	})
	return status == want
}

func TestA11y_AuditReportsViolations(t *testing.T) {
	// The audit itself must work: a page made inaccessible on purpose fails.
	axe := axeSource(t)
	b := newBrowser(t)
	app := newTestApp(t)
	p := app.inBrowser(t, b.tab(t))
	p.open("/login")
	eval[chromedp.Void](p, `document.querySelector('label[for="f-email"]').remove(); document.body.style.color = "#ddd"`)
	ft := &fakeT{T: t}
	p.audit(ft, axe)
	for _, id := range []string{"label", "color-contrast"} {
		if !strings.Contains(ft.errors.String(), ": "+id+" [") {
			t.Errorf("axe did not report %s; it reported:\n%s", id, ft.errors.String())
		}
	}
}

func TestA11y_EveryPage(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)

	// A visitor: the public pages, every section (one with errors) and the result.
	visitor := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	visitor.auditPath(t, "landing", "/", axe, http.StatusOK)
	visitor.auditPath(t, "register", "/register", axe, http.StatusOK)
	visitor.clickThrough(`main form button[type="submit"]`)
	visitor.auditHere(t, "register with errors", axe)
	visitor.auditPath(t, "login", "/login", axe, http.StatusOK)
	visitor.typeInto("#f-email", "nobody@example.com")
	visitor.typeInto("#f-password", "not the password")
	visitor.clickThrough(`main form button[type="submit"]`)
	visitor.auditHere(t, "login failed", axe)
	visitor.auditPath(t, "not found", "/no-such-page", axe, http.StatusNotFound)

	visitor.open("/assessment?section=1")
	visitor.next() // nothing answered
	visitor.auditHere(t, "section 1 with errors", axe)
	answers := modestAnswers()
	for n := 1; n <= len(prof.Dimensions); n++ {
		visitor.auditHere(t, fmt.Sprintf("section %d %s", n, prof.Dimensions[n-1].ID), axe)
		visitor.answerByClicking(prof, answers)
		visitor.next()
	}
	visitor.auditHere(t, "visitor result", axe)

	// Saved by registering; a second, better attempt; progress and compare.
	visitor.clickThrough(`a[href="/register?save=1"]`)
	visitor.typeInto("#f-name", "Vera Visitor")
	visitor.typeInto("#f-email", "vera@example.com")
	visitor.typeInto("#f-password", e2ePassword)
	visitor.clickThrough(`main form button[type="submit"]`)
	visitor.auditHere(t, "saved result with its confirmation", axe)
	visitor.auditPath(t, "progress with one attempt", "/progress", axe, http.StatusOK)

	// A plan: two steps added from the result, one marked done, one form refused.
	visitor.clickThrough(`table.history a[href^="/results/"]`)
	visitor.clickThrough(`form.plan-add:has(input[value="security-training"]) button`)
	visitor.clickThrough(`form.plan-add:has(input[value="core-skills"]) button`)
	visitor.auditHere(t, "learner result with steps in the plan", axe)
	visitor.open("/progress")
	visitor.auditHere(t, "progress with a plan", axe)
	app.clock.Advance(24 * time.Hour)
	eval[chromedp.Void](visitor, `document.querySelector("li.plan-item select").value = "done"`)
	visitor.typeInto("li.plan-item input[name=evidence]", "Web security course")
	visitor.clickThrough("li.plan-item form.plan-form button")
	eval[chromedp.Void](visitor, `document.querySelectorAll("li.plan-item input[name=evidence]")[1].value = "x".repeat(501)`)
	visitor.clickThrough("li.plan-item:nth-child(2) form.plan-form button")
	visitor.auditHere(t, "plan form with an error", axe)
	app.clock.Advance(24 * time.Hour)
	visitor.auditPath(t, "starting again: last answers or blank", "/assessment", axe, http.StatusOK)

	visitor.takeAssessment(prof, strongerAnswers())
	visitor.auditHere(t, "learner result", axe)
	visitor.auditPath(t, "progress with two attempts and what moved", "/progress", axe, http.StatusOK)
	if visitor.count("li.plan-item .moved-line") == 0 {
		t.Error("no what-moved line on /progress after the retake")
	}
	ids := eval[[]string](visitor, `[...document.querySelectorAll("#cmp-a option")].map(o => o.value)`)
	if len(ids) == 2 {
		visitor.auditPath(t, "compare", "/progress/compare?a="+ids[1]+"&b="+ids[0], axe, http.StatusOK)
		whatIf := "/results/" + ids[1] + "/what-if"
		visitor.auditPath(t, "what-if", whatIf, axe, http.StatusOK)
		visitor.clickClear("#wi-sec-security > summary")
		visitor.clickClear(optionLabel("sec.practices", "4"))
		visitor.waitFor("the live what-if", `document.querySelector("#wi-change .change.up") !== null`)
		visitor.auditHere(t, "what-if updated by its script", axe)
		visitor.auditPath(t, "what-if with every answer missing", whatIf+"?whatif=1", axe, http.StatusUnprocessableEntity)
	}
	// The same pages on a phone (the narrow chart, stacked layouts) and a tablet.
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"tablet", 1024, 768}} {
		if err := chromedp.Do(visitor.ctx, chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateMobile)); err != nil {
			t.Fatalf("%s viewport: %v", size.name, err)
		}
		visitor.auditPath(t, "progress on a "+size.name, "/progress", axe, http.StatusOK)
		if len(ids) == 2 {
			visitor.auditPath(t, "result on a "+size.name, "/results/"+ids[0], axe, http.StatusOK)
			visitor.auditPath(t, "first result on a "+size.name, "/results/"+ids[1], axe, http.StatusOK)
			visitor.auditPath(t, "compare on a "+size.name, "/progress/compare?a="+ids[1]+"&b="+ids[0], axe, http.StatusOK)
			visitor.auditPath(t, "what-if on a "+size.name, "/results/"+ids[1]+"/what-if?whatif=1&edu.degree=master", axe, http.StatusUnprocessableEntity)
			visitor.auditPath(t, "what-if figures on a "+size.name, "/results/"+ids[1]+"/what-if", axe, http.StatusOK)
		}
		visitor.auditPath(t, "section on a "+size.name, "/assessment?section=2", axe, http.StatusOK)
	}
	if err := chromedp.Do(visitor.ctx, chromedp.ResetViewport()); err != nil {
		t.Fatalf("reset viewport: %v", err)
	}
	visitor.auditPath(t, "compare with a bad choice", "/progress/compare?a=x&b=y", axe, http.StatusBadRequest)
	visitor.auditPath(t, "account", "/account", axe, http.StatusOK)
	visitor.open("/account")
	visitor.typeInto("#f-share_code", "WRONG")
	visitor.clickThrough(`form[action="/account/share"] button[type="submit"]`)
	visitor.auditHere(t, "account with a wrong share code", axe)

	// A counselor with this learner in the caseload.
	app.createUser("casey@example.com", "counselor")
	counselor := app.inBrowser(t, b.tab(t))
	counselor.open("/login")
	counselor.typeInto("#f-email", "casey@example.com")
	counselor.typeInto("#f-password", e2ePassword)
	counselor.clickThrough(`main form button[type="submit"]`)
	counselor.auditPath(t, "counselor account", "/account", axe, http.StatusOK)
	code := counselor.text("code.code")
	visitor.open("/account")
	visitor.typeInto("#f-share_code", code)
	visitor.clickThrough(`form[action="/account/share"] button[type="submit"]`)
	visitor.auditHere(t, "account sharing with a counselor", axe)
	if counselor.auditPath(t, "caseload", "/counselor", axe, http.StatusOK) {
		if counselor.count(`main a[href^="/counselor/learners/"]`) > 0 {
			counselor.clickThrough(`main a[href^="/counselor/learners/"]`)
			counselor.auditHere(t, "learner view", axe)
			// Loaded again at the new size: the page's script marks wide
			// tables as scrollable regions once a resize settles.
			learnerPage := counselor.path()
			if err := chromedp.Do(counselor.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
				t.Fatalf("phone viewport: %v", err)
			}
			counselor.auditPath(t, "learner view on a phone", learnerPage, axe, http.StatusOK)
			if err := chromedp.Do(counselor.ctx, chromedp.ResetViewport()); err != nil {
				t.Fatalf("reset viewport: %v", err)
			}
		} else {
			t.Error("the caseload has no link to the learner who shared")
		}
	}
	counselor.auditPath(t, "cohort", "/counselor/cohort", axe, http.StatusOK)

	// A recommendation from the counselor, with "Add to my plan" beside it.
	cc := app.client()
	app.login(cc, "casey@example.com")
	resp, body := app.do(cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	learnerID := decode[struct {
		Learners []struct{ ID int64 } `json:"learners"`
	}](t, body).Learners[0].ID
	resp, body = app.do(cc, "POST", fmt.Sprintf("/api/v1/learners/%d/recommendations", learnerID),
		map[string]any{"step": "security-training", "title": "Web security at City College", "text": "Evening course, twelve weeks."})
	expect(t, resp, body, http.StatusCreated)
	visitor.auditPath(t, "progress with a recommendation", "/progress", axe, http.StatusOK)
	visitor.clickThrough(`li.recommendation form.plan-add button`)
	visitor.auditHere(t, "progress with a recommendation in the plan", axe)

	// An admin.
	app.createUser("ada@example.com", "admin")
	admin := app.inBrowser(t, b.tab(t))
	admin.open("/login")
	admin.typeInto("#f-email", "ada@example.com")
	admin.typeInto("#f-password", e2ePassword)
	admin.clickThrough(`main form button[type="submit"]`)
	admin.auditPath(t, "admin users", "/admin/users", axe, http.StatusOK)
}
