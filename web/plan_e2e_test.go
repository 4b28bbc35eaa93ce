package web

// Browser tests of the plan and what-if: chromium drives the real router.

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/readiness/readiness/scoring"
)

// registerInBrowser creates a learner account through the form.
func (p *browserPage) registerInBrowser(name, email string) {
	p.t.Helper()
	p.open("/register")
	p.typeInto("#f-name", name)
	p.typeInto("#f-email", email)
	p.typeInto("#f-password", e2ePassword)
	p.clickThrough(`main form button[type="submit"]`)
}

// waitFor waits until a script expression is true, re-checking whenever
// the page changes: the page's script answers after a request.
func (p *browserPage) waitFor(what, expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(0))); err != nil {
		p.t.Fatalf("waiting for %s: %v (at %s)", what, err, p.location())
	}
}

// clickClear clicks an element after scrolling it to the middle of the
// screen, clear of the what-if page's sticky bar at the bottom.
func (p *browserPage) clickClear(sel string) {
	p.t.Helper()
	eval[chromedp.Void](p, `document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView({block: "center"})`)
	p.click(sel)
}

// dimScore is a dimension's score in a result.
func dimScore(r scoring.Result, id string) float64 {
	for _, d := range r.Dimensions {
		if d.ID == id {
			return d.Score
		}
	}
	panic("no dimension " + id)
}

// A learner adds a step to their plan from their result, marks it done with
// evidence, retakes the assessment from their last answers with the
// security answers raised, and sees on /progress and in compare what the
// step moved: the numbers of the two stored results.
func TestE2E_PlanAddDoneRetakeWhatMoved(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	p := app.inBrowser(t, b.tab(t))
	first := modestAnswers()

	p.registerInBrowser("Pia Plan", "pia@example.com")
	p.takeAssessment(prof, first)
	resultPath := p.path()

	// Add to my plan, beside the step on the result.
	p.clickThrough(`li#step-security-training form.plan-add button`)
	p.wantPath(resultPath + "#step-security-training")
	p.wantText(".flash", "Added to your plan.")
	p.wantText("li#step-security-training .in-plan", "In your plan")

	// Done on /progress, with evidence, an hour later.
	app.clock.Advance(time.Hour)
	p.clickThrough(`nav a[href="/progress"]`)
	p.wantText("#plan li.plan-item h3", "Train in online security")
	p.do("choose done", chromedp.SetValue(chromedp.CSS("#plan li.plan-item select"), "done"))
	p.typeInto("#plan li.plan-item input[name=evidence]", "Web security course, City College")
	p.clickThrough("#plan li.plan-item form.plan-form button")
	p.wantText(".flash", "Your plan is updated.")
	p.wantText("#plan li.plan-item .status-tag", "Done · 2 Mar 2026")
	p.wantText("#plan li.plan-item .moved-line", "Not measured yet")
	if got := eval[string](p, `document.querySelector("#plan li.plan-item input[name=evidence]").value`); got != "Web security course, City College" {
		t.Errorf("evidence kept as %q", got)
	}

	// Two days later, a retake from the last answers: only security changes.
	app.clock.Advance(48 * time.Hour)
	p.clickThrough(`main a[href="/assessment"]`)
	p.wantText("h1", "Take the assessment again")
	p.clickThrough(`form[action="/assessment/start"]:has(input[value="last"]) button`)
	p.wantText(".flash", "Your last answers are filled in.")
	if !eval[bool](p, `document.querySelector('`+inputSel("edu.degree", "bachelor")+`').checked && document.querySelector('`+inputSel("edu.continuing", "one")+`').checked`) {
		t.Fatal("section 1 is not filled in with the last answers")
	}
	second := modestAnswers()
	for k, v := range map[string]any{"sec.practices": 3, "sec.threats": 3, "sec.payments": 2} {
		second[k] = v
	}
	for n := 1; n <= len(prof.Dimensions); n++ {
		if n == 4 {
			// The last answers are there before anything is clicked.
			if got := p.checked("sec.practices"); len(got) != 1 || got[0] != "1" {
				t.Errorf("sec.practices shows %q, want the last answer 1", got)
			}
		}
		p.answerByClicking(prof, second)
		p.next()
	}
	if !strings.HasPrefix(p.path(), "/results/") || p.path() == resultPath {
		t.Fatalf("the retake finished at %s, want a new result", p.path())
	}

	a, bres := app.expectedResult(t, first), app.expectedResult(t, second)
	want := fmt.Sprintf("Train in online security, done 2 Mar 2026: online security %s, overall %s.",
		newChange(enPrinter(t), dimScore(a, "security"), dimScore(bres, "security")).Text, newChange(enPrinter(t), a.Overall, bres.Overall).Text)
	if strings.Contains(want, "±0.0") {
		t.Fatalf("fixture: nothing moved: %s", want)
	}
	p.clickThrough(`nav a[href="/progress"]`)
	p.wantText("#plan li.plan-item .moved-line", want)
	p.wantText("#plan li.plan-item .moved-items", "Securing a website: HTTPS, access control, software updates: 1 → 3 of 3 points")
	p.wantText("#plan li.plan-item .moved", "From the attempt of 2 Mar 2026 to the attempt of 4 Mar 2026.")

	// Compare, from the form on /progress: the same line.
	p.clickThrough(`form.compare-form button[type="submit"]`)
	p.wantText("section:has(#done-h) .moved-line", want)
}

// What-if: the result's answers as a form; with script each change updates
// the figures through POST /api/v1/score; the bookmarkable GET shows the
// same numbers without script; nothing is stored.
func TestE2E_WhatIfLiveAndWithoutScript(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	p := app.inBrowser(t, b.tab(t))
	first := modestAnswers()
	p.registerInBrowser("Will Whatif", "will@example.com")
	p.takeAssessment(prof, first)
	resultPath := p.path()
	stored := app.expectedResult(t, first)

	p.clickThrough(`main a[href$="/what-if"]`)
	p.wantPath(resultPath + "/what-if")
	p.wantText("#wi-overall", shown1(stored.Overall))
	if !eval[bool](p, `document.querySelector('`+inputSel("sec.practices", "1")+`').checked`) {
		t.Fatal("the form is not filled in with the result's answers")
	}

	// One change, then another: the figures follow each.
	changed := modestAnswers()
	for _, step := range []struct{ area, q, key string }{{"security", "sec.practices", "3"}, {"management", "mgt.team", "3"}} {
		n, _ := strconv.Atoi(step.key)
		changed[step.q] = n
		want := app.expectedResult(t, changed)
		p.clickClear("#wi-sec-" + step.area + " > summary") // the areas start folded
		p.clickClear(optionLabel(step.q, step.key))
		p.waitFor("the what-if overall", fmt.Sprintf(`document.getElementById("wi-overall").textContent === %q`, shown1(want.Overall)))
		ch := newChange(enPrinter(t), stored.Overall, want.Overall)
		p.wantText("#wi-change", ch.Text)
		p.wantText("#wi-status", ch.Words)
		p.wantText("#wi-mini-overall", shown1(want.Overall))
		for _, d := range want.Dimensions {
			if got := p.text(fmt.Sprintf(`#wi-dims tr[data-dim=%q] .wi-new`, d.ID)); got != shown1(d.Score) {
				t.Errorf("%s shows %s, want %s", d.ID, got, shown1(d.Score))
			}
		}
		var titles []string
		for _, st := range want.Steps {
			if !st.AlsoConsider() {
				titles = append(titles, st.Title)
			}
		}
		if got := eval[[]string](p, `[...document.querySelectorAll("#wi-steps li strong")].map(s => s.textContent)`); strings.Join(got, "|") != strings.Join(titles, "|") {
			t.Errorf("steps that would remain %q, want %q", got, titles)
		}
	}
	// The address follows the form, so it can be bookmarked: opened again,
	// without script, it shows the same figures.
	live := p.path()
	if !strings.Contains(live, "whatif=1") || !strings.Contains(live, "mgt.team=3") {
		t.Fatalf("the address %s does not hold the answers", live)
	}
	shown := p.text("#wi-overall")
	noScript := app.inBrowser(t, b.noScriptTab(t))
	noScript.open("/login")
	noScript.typeInto("#f-email", "will@example.com")
	noScript.typeInto("#f-password", e2ePassword)
	noScript.clickThrough(`main form button[type="submit"]`)
	noScript.open(live)
	noScript.wantText("#wi-overall", shown)
	// Without script the button shows the figures.
	noScript.clickClear("#wi-sec-security > summary")
	noScript.clickClear(optionLabel("sec.threats", "4"))
	noScript.clickThrough(`#wi-form button[type="submit"]`)
	changed["sec.threats"] = 4
	noScript.wantText("#wi-overall", shown1(app.expectedResult(t, changed).Overall))

	// Nothing was stored: still one result.
	p.open("/progress")
	p.wantText("main", "You have taken the assessment once")
}
