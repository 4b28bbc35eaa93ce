package web

// Browser checks of layout: no page overflows sideways at phone, tablet,
// small-laptop and desktop widths; print shows what a person would hand
// over and nothing private; links in the caseload look like links.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// layoutWidths are the viewport widths every page is checked at.
var layoutWidths = []int64{390, 768, 1024, 1280}

// overflowJS reports what sticks out past the right edge of the viewport,
// or "" when nothing does.
const overflowJS = `(() => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const w = window.innerWidth;
  if (document.documentElement.scrollWidth <= w) return "";
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > w + 0.5 && !e.closest(".table-scroll, .visually-hidden"))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " → " + Math.round(e.getBoundingClientRect().right));
  return "scrollWidth " + document.documentElement.scrollWidth + " > " + w + ": " + wide.join(", ");
})()`

// layoutApp is a test app with a learner (two attempts, one shared with a
// counselor), the counselor and an admin, each logged in in their own tab.
type layoutApp struct {
	app                       *testApp
	learner, counselor, admin *browserPage
	learnerID, first, second  int64
}

func newLayoutApp(t *testing.T, b *browser) *layoutApp {
	t.Helper()
	app := newTestApp(t)
	l := &layoutApp{app: app}
	lc := app.client()
	me := app.register(lc, "lena.longname-with-a-very-long-address@example-school.example.org")
	l.learnerID = me.ID
	co := app.createUser("casey@example.org", "counselor")
	app.createUser("ada@example.org", "admin")
	resp, body := app.do(lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": co.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(lc, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	l.first = decode[storedResult](t, body).ID
	// A plan: a step done between the two attempts, with a long evidence note.
	resp, body = app.do(lc, "POST", "/api/v1/plan/items", map[string]string{"step": "security-training"})
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(lc, "PATCH", "/api/v1/plan/items/"+strconv.FormatInt(decode[planItemBody](t, body).ID, 10),
		map[string]string{"status": "done", "evidence": "Certificate WS-2291-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
	expect(t, resp, body, http.StatusOK)
	app.clock.Advance(3 * 24 * 60 * 60 * 1e9)
	resp, body = app.do(lc, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4}))
	expect(t, resp, body, http.StatusCreated)
	l.second = decode[storedResult](t, body).ID
	cc := app.client()
	app.login(cc, "casey@example.org")
	resp, body = app.do(cc, "POST", "/api/v1/learners/"+strconv.FormatInt(me.ID, 10)+"/notes", map[string]string{"text": "Private: talk about the security course"})
	expect(t, resp, body, http.StatusCreated)

	logIn := func(email string) *browserPage {
		p := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
		p.open("/login")
		p.typeInto("#f-email", email)
		p.typeInto("#f-password", e2ePassword)
		p.clickThrough(`main form button[type="submit"]`)
		return p
	}
	l.learner = logIn(me.Email)
	l.counselor = logIn("casey@example.org")
	l.admin = logIn("ada@example.org")
	return l
}

func setWidth(t *testing.T, p *browserPage, w int64) {
	t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, 900)); err != nil {
		t.Fatalf("viewport %d: %v", w, err)
	}
}

func TestBrowser_NoPageOverflowsSideways(t *testing.T) {
	b := newBrowser(t)
	l := newLayoutApp(t, b)
	visitor := l.app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	prof := builtinProfile(t)
	// The visitor answers every section with an error first, so both states are seen.
	visitor.takeAssessment(prof, modestAnswers())
	visitorResult := visitor.path()
	id := strconv.FormatInt(l.learnerID, 10)
	// A reset link for the learner with the long address, as a visitor opens it.
	tok := account.NewResetToken()
	if _, err := l.app.store.CreateResetLink(t.Context(), 0, l.learnerID, db.ResetLinkOf(tok)); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		who  *browserPage
		path string
	}{
		{visitor, "/"}, {visitor, "/register"}, {visitor, "/login"}, {visitor, visitorResult},
		{l.learner, "/progress"}, {l.learner, fmt.Sprintf("/results/%d", l.second)},
		{l.learner, fmt.Sprintf("/progress/compare?a=%d&b=%d", l.first, l.second)}, {l.learner, "/account"},
		{l.counselor, "/counselor"}, {l.counselor, "/counselor/learners/" + id}, {l.counselor, "/counselor/cohort"}, {l.counselor, "/account"},
		{l.admin, "/admin/users"}, {l.admin, "/admin/audit"}, {visitor, "/no-such-page"},
		{l.admin, "/admin/users/" + id}, {l.admin, "/admin/users/import"}, {visitor, account.ResetPath(tok.Token)},
		{l.learner, fmt.Sprintf("/results/%d/what-if", l.second)}, {l.learner, fmt.Sprintf("/results/%d/what-if?whatif=1&edu.degree=master", l.second)},
	}
	// Starting again, asked before any draft is made below.
	for _, w := range layoutWidths {
		setWidth(t, l.learner, w)
		l.learner.open("/assessment")
		l.learner.wantText("h1", "Take the assessment again")
		if msg := eval[string](l.learner, overflowJS); msg != "" {
			t.Errorf("starting again at %d px overflows sideways: %s", w, msg)
		}
	}
	for n := 1; n <= len(prof.Dimensions); n++ {
		pages = append(pages, struct {
			who  *browserPage
			path string
		}{l.learner, "/assessment?section=" + strconv.Itoa(n)})
	}
	for _, w := range layoutWidths {
		for _, pg := range pages {
			setWidth(t, pg.who, w)
			pg.who.open(pg.path)
			if msg := eval[string](pg.who, overflowJS); msg != "" {
				t.Errorf("%s at %d px overflows sideways: %s", pg.path, w, msg)
			}
		}
		// A section with its errors shown, and the restart confirmation.
		setWidth(t, l.learner, w)
		l.learner.open("/assessment?section=2")
		l.learner.next()
		if msg := eval[string](l.learner, overflowJS); msg != "" {
			t.Errorf("section 2 with errors at %d px overflows sideways: %s", w, msg)
		}
		l.learner.clickThrough(`form.restart button`)
		if msg := eval[string](l.learner, overflowJS); msg != "" {
			t.Errorf("the restart confirmation at %d px overflows sideways: %s", w, msg)
		}
	}
	// The same pages in Spanish, some fifth longer: nothing may overflow
	// either. Each tab chooses it once; the cookie keeps it.
	for _, who := range []*browserPage{visitor, l.learner, l.counselor, l.admin} {
		who.open("/?lang=es")
	}
	for _, w := range layoutWidths {
		for _, pg := range pages {
			setWidth(t, pg.who, w)
			pg.who.open(pg.path)
			if lang := eval[string](pg.who, `document.documentElement.lang`); lang != "es" {
				t.Fatalf("%s: <html lang=%q>, want es", pg.path, lang)
			}
			if msg := eval[string](pg.who, overflowJS); msg != "" {
				t.Errorf("%s in Spanish at %d px overflows sideways: %s", pg.path, w, msg)
			}
		}
	}
}

// visibleJS counts the elements matching a selector that take up room on
// the page as it is rendered now.
func visibleCount(p *browserPage, sel string) int {
	return eval[int](p, `[...document.querySelectorAll(`+strconv.Quote(sel)+`)].filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden").length`)
}

func TestBrowser_PrintShowsWhatAPersonWouldHandOver(t *testing.T) {
	b := newBrowser(t)
	l := newLayoutApp(t, b)
	printMedia := func(p *browserPage, on bool) {
		media := ""
		if on {
			media = "print"
		}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
			t.Fatalf("emulate print: %v", err)
		}
	}
	// The result: every area's worked explanation prints, not only its heading.
	p := l.learner
	p.open(fmt.Sprintf("/results/%d", l.second))
	printMedia(p, true)
	if n, want := visibleCount(p, `section[aria-labelledby="explain-h"] details table`), 6; n != want {
		t.Errorf("printing the result shows %d of the %d explanation tables", n, want)
	}
	if n := visibleCount(p, "main form, main .button, main button"); n != 0 {
		t.Errorf("printing the result shows %d controls", n)
	}
	// Progress: the history and chart, no form controls.
	p.open("/progress")
	if n := visibleCount(p, "main form, main select, main .button, main button"); n != 0 {
		t.Errorf("printing /progress shows %d form controls", n)
	}
	if visibleCount(p, "table.history") != 1 {
		t.Error("printing /progress leaves out the history")
	}
	printMedia(p, false)
	// The counselor's learner page: results, never the notes or their form.
	c := l.counselor
	c.open("/counselor/learners/" + strconv.FormatInt(l.learnerID, 10))
	printMedia(c, true)
	if strings.Contains(eval[string](c, `document.body.innerText`), "talk about the security course") {
		t.Error("printing the learner page prints the counselor's private notes")
	}
	if n := visibleCount(c, "main form, main textarea, main button"); n != 0 {
		t.Errorf("printing the learner page shows %d form controls", n)
	}
	if visibleCount(c, "details.result-detail") == 0 {
		t.Error("printing the learner page leaves out the results")
	}
	printMedia(c, false)
}

func TestBrowser_CaseloadLinksLookLikeLinks(t *testing.T) {
	b := newBrowser(t)
	l := newLayoutApp(t, b)
	c := l.counselor
	c.open("/counselor?" + url.Values{"sort": {"-overall"}}.Encode())
	for _, sel := range []string{"table.caseload tbody th a", "table.caseload thead th a", `table.caseload thead th[aria-sort] a`} {
		style := eval[[]string](c, `(() => { const a = document.querySelector(`+strconv.Quote(sel)+`); const s = getComputedStyle(a);
		  const link = getComputedStyle(document.querySelector("main p a")); return [s.textDecorationLine, s.color, link.color, getComputedStyle(a.closest("tr")).color]; })()`)
		if !strings.Contains(style[0], "underline") {
			t.Errorf("%s is not underlined (%s)", sel, style[0])
		}
		if style[1] == style[3] {
			t.Errorf("%s has the colour of the text around it (%s)", sel, style[1])
		}
	}
}
