package web

// Shared helpers for the browser tests (e2e_test.go, a11y_test.go): they drive
// Debian's chromium through chromedp against the real router on loopback.
// Without chromium the tests skip; with READINESS_REQUIRE_BROWSER=1 (CI) a
// missing browser or axe-core file fails them instead.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/readiness/readiness/assessment"
)

const (
	installChromium = "install Debian's chromium: apt-get install -y chromium"
	scenarioTimeout = 60 * time.Second
)

// requireBrowser reports whether a missing browser or axe file must fail the
// tests rather than skip them.
func requireBrowser() bool { return os.Getenv("READINESS_REQUIRE_BROWSER") == "1" }

// missingTool skips the test, or fails it when the browser is required.
func missingTool(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if requireBrowser() {
		t.Fatalf("%s (READINESS_REQUIRE_BROWSER=1, so this is a failure, not a skip)", msg)
	}
	t.Skip(msg)
}

// chromiumPath is READINESS_CHROMIUM, or chromium on the PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("READINESS_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			missingTool(t, "READINESS_CHROMIUM=%s is not an executable (%v); %s", p, err, installChromium)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missingTool(t, "no chromium found; %s", installChromium)
	return ""
}

// browser is one headless chromium shared by a top-level test's subtests.
type browser struct {
	ctx context.Context // a context that has run once, so children open tabs
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return &browser{ctx: ctx}
}

// tab opens a tab in a fresh browser context, so it has its own cookies:
// one tab is one person.
func (b *browser) tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// noScriptTab is a tab with JavaScript turned off, as for a visitor who
// blocks scripts.
func (b *browser) noScriptTab(t *testing.T) context.Context {
	t.Helper()
	ctx := b.tab(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable scripts: %v", err)
	}
	return ctx
}

// browserPage wraps a tab with the helpers the scenarios use; each fails the test.
type browserPage struct {
	t    *testing.T
	ctx  context.Context // the tab, bounded in time
	tab  context.Context // the tab, unbounded
	base string
}

// inBrowser drives the tab against the app for one (sub)test, bounded by the
// scenario timeout.
func (a *testApp) inBrowser(t *testing.T, tab context.Context) *browserPage {
	return a.inBrowserFor(t, tab, scenarioTimeout)
}

func (a *testApp) inBrowserFor(t *testing.T, tab context.Context, d time.Duration) *browserPage {
	ctx, cancel := context.WithTimeout(tab, d)
	t.Cleanup(cancel)
	return &browserPage{t: t, ctx: ctx, tab: tab, base: a.srv.URL}
}

// sub is the same tab for a subtest, with its own time bound.
func (p *browserPage) sub(t *testing.T) *browserPage {
	ctx, cancel := context.WithTimeout(p.tab, scenarioTimeout)
	t.Cleanup(cancel)
	return &browserPage{t: t, ctx: ctx, tab: p.tab, base: p.base}
}

func (p *browserPage) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v (at %s)", what, err, p.location())
	}
}

func (p *browserPage) location() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown page"
	}
	return strings.TrimPrefix(loc, p.base)
}

// open loads a path of the test server.
func (p *browserPage) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path))
}

// openStatus loads a path and returns its HTTP status.
func (p *browserPage) openStatus(path string) int64 {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// path is the current URL without the server's origin.
func (p *browserPage) path() string {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, p.base)
}

// navigating runs a step that loads a new page (a link or a submit button)
// and waits for that page's load event.
func (p *browserPage) navigating(what string, step chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, step)); err != nil {
		p.t.Fatalf("%s: %v (at %s)", what, err, p.location())
	}
}

// clickThrough clicks the element and waits for the page it leads to.
func (p *browserPage) clickThrough(sel string) {
	p.t.Helper()
	p.navigating("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (p *browserPage) click(sel string) {
	p.t.Helper()
	p.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// key sends key presses (see package kb) to the focused element.
func (p *browserPage) key(keys string) {
	p.t.Helper()
	p.do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// typeInto types into a field, as a user would.
func (p *browserPage) typeInto(sel, text string) {
	p.t.Helper()
	p.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// eval runs an expression in the page (not subject to its CSP).
func eval[T any](p *browserPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %.80q: %v (at %s)", expr, err, p.location())
	}
	return v
}

// text is the rendered text of the first match.
func (p *browserPage) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v (at %s)", sel, err, p.location())
	}
	return strings.Join(strings.Fields(s), " ")
}

// count is how many elements match, without waiting for any.
func (p *browserPage) count(sel string) int {
	p.t.Helper()
	nodes, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		p.t.Fatalf("count %s: %v", sel, err)
	}
	return nodes
}

// wantPath fails unless the page is at path (the query string included when
// the wanted path has one).
func (p *browserPage) wantPath(want string) {
	p.t.Helper()
	got := p.path()
	if !strings.Contains(want, "?") {
		got, _, _ = strings.Cut(got, "?")
	}
	if got != want {
		p.t.Fatalf("at %s, want %s", got, want)
	}
}

func (p *browserPage) wantText(sel, substr string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, substr) {
		p.t.Fatalf("%s says %q, want it to contain %q (at %s)", sel, got, substr, p.location())
	}
}

// --- the assessment ---

// answerSet is a set of answers as the JSON API takes them: a string option
// key, an int rating or a []string of keys.
type answerSet map[string]any

// modestAnswers is testdata/answers.json: a bachelor in a related field
// with little experience.
func modestAnswers() answerSet {
	return answerSet{
		"edu.degree": "bachelor", "edu.field": "related", "edu.certifications": []string{"digital-marketing"}, "edu.continuing": "one",
		"mkt.years": "1-2", "mkt.digital": 3, "mkt.sem": 2, "mkt.affiliate": 1, "mkt.analytics": 3,
		"web.years": "lt1", "web.design": 2, "web.html": 2, "web.maintenance": 1, "web.data": 1, "web.platforms": 2,
		"sec.practices": 1, "sec.threats": 2, "sec.payments": 1, "sec.incidents": 0,
		"mgt.years": "lt1", "mgt.team": 1, "mgt.budget": 2, "mgt.transactions": 2, "mgt.contracts": 1, "mgt.models": []string{"b2c"},
		"core.analytical": 3, "core.communication": 3, "core.creativity": 3, "core.decision": 2, "core.interpersonal": 4, "core.organizational": 3,
	}
}

// strongerAnswers is the same person a year later: every answer at least as
// high, most of them higher, one security item still short of its target.
func strongerAnswers() answerSet {
	a := modestAnswers()
	better := answerSet{
		"edu.field": "marketing", "edu.certifications": []string{"digital-marketing", "security"}, "edu.continuing": "several",
		"mkt.years": "3-5", "mkt.sem": 3, "mkt.affiliate": 2,
		"web.years": "1-2", "web.design": 3, "web.maintenance": 3, "web.data": 2,
		"sec.practices": 3, "sec.threats": 3, "sec.payments": 3, "sec.incidents": 1,
		"mgt.years": "1-2", "mgt.team": 3, "mgt.budget": 3, "mgt.transactions": 3, "mgt.contracts": 2, "mgt.models": []string{"b2c", "b2b"},
		"core.decision": 3,
	}
	for k, v := range better {
		a[k] = v
	}
	return a
}

// answerKeys is an answer as option keys.
func answerKeys(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case int:
		return []string{strconv.Itoa(v)}
	case []string:
		return v
	}
	panic(fmt.Sprintf("answer of type %T", v))
}

func builtinProfile(t *testing.T) *assessment.Profile {
	t.Helper()
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := reg.Lookup("ecommerce-manager")
	if !ok {
		t.Fatal("profile ecommerce-manager not loaded")
	}
	return p
}

// inputSel selects one option's input.
func inputSel(question, key string) string {
	return fmt.Sprintf(`input[name=%q][value=%q]`, question, key)
}

// optionLabel selects the label wrapping one option's input.
func optionLabel(question, key string) string {
	return "label.option:has(> " + inputSel(question, key) + ")"
}

// sectionShowing is the number of the section on screen.
func (p *browserPage) sectionShowing() int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(`form.section-form input[name="section"]`)))
	if err != nil {
		p.t.Fatalf("section number: %v (at %s)", err, p.location())
	}
	i, _ := strconv.Atoi(n)
	return i
}

// answerByClicking answers the section on screen by clicking option labels
// with the mouse. Questions without an answer in the set are left alone, and
// so are questions the page hides (show_if).
func (p *browserPage) answerByClicking(prof *assessment.Profile, answers answerSet) {
	p.t.Helper()
	n := p.sectionShowing()
	for _, q := range prof.QuestionsIn(prof.Dimensions[n-1].ID) {
		v, ok := answers[q.ID]
		if !ok {
			continue
		}
		if hidden := eval[bool](p, fmt.Sprintf(`document.getElementById(%q).hidden`, "q-"+q.ID)); hidden {
			continue
		}
		want := answerKeys(v)
		for _, o := range prof.OptionsOf(q) {
			// A radio stays chosen when clicked again; a checkbox toggles.
			on := slices.Contains(want, o.Key)
			if q.Type != assessment.TypeMulti && on || q.Type == assessment.TypeMulti && on != slices.Contains(p.checked(q.ID), o.Key) {
				p.click(optionLabel(q.ID, o.Key))
			}
		}
		if got := p.checked(q.ID); !slices.Equal(got, want) {
			p.t.Fatalf("%s: clicking chose %q, want %q", q.ID, got, want)
		}
	}
}

// checked is the keys of a question's checked options, in page order.
func (p *browserPage) checked(question string) []string {
	p.t.Helper()
	return eval[[]string](p, fmt.Sprintf(`[...document.querySelectorAll('input[name=%q]:checked')].map(i => i.value)`, question))
}

// next presses the section's forward button: Next, or See my result on the
// last section.
func (p *browserPage) next() {
	p.t.Helper()
	p.clickThrough(`form.section-form button[value="next"], form.section-form button[value="finish"]`)
}

// takeAssessment answers every section with the mouse from the start and
// finishes on the result page.
func (p *browserPage) takeAssessment(prof *assessment.Profile, answers answerSet) {
	p.t.Helper()
	p.open("/assessment?section=1")
	for i := 1; i <= len(prof.Dimensions); i++ {
		if got := p.sectionShowing(); got != i {
			p.t.Fatalf("on section %d, want %d (at %s)", got, i, p.location())
		}
		p.answerByClicking(prof, answers)
		p.next()
	}
	if !strings.HasPrefix(p.path(), "/results/") {
		p.t.Fatalf("after the last section at %s, want a result page", p.path())
	}
}

// focusShown reports whether the focused element (or the option label that
// wraps it) draws a focus indicator: an outline or a box shadow.
const focusShownJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing is focused";
  const shown = e => { const s = getComputedStyle(e);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"; };
  if (shown(el) || (el.closest("label.option") && shown(el.closest("label.option")))) return "";
  return "no visible focus on " + el.outerHTML.slice(0, 120);
})()`

func (p *browserPage) wantFocusVisible(when string) {
	p.t.Helper()
	if msg := eval[string](p, focusShownJS); msg != "" {
		p.t.Errorf("%s: %s", when, msg)
	}
}

// tabTo presses Tab until the focused element matches sel.
func (p *browserPage) tabTo(sel string) {
	p.t.Helper()
	for range 80 {
		if eval[bool](p, `!!document.activeElement && document.activeElement.matches(`+strconv.Quote(sel)+`)`) {
			return
		}
		p.key(kb.Tab)
	}
	p.t.Fatalf("80 presses of Tab never reached %s (at %s); focus is on %s", sel, p.location(),
		eval[string](p, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`))
}
