package web

// The accessibility audit of the pages the counselor's review adds or
// changes, on both sides, at a phone's, a tablet's and a desktop's width.

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// reviewWidths are the widths the review pages are audited at.
var reviewWidths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"tablet", 1024, 768, false},
	{"desktop", 1280, 900, false},
}

// loginInBrowser logs the tab in through the login form.
func (p *browserPage) loginInBrowser(email string) {
	p.t.Helper()
	p.open("/login")
	p.typeInto("#f-email", email)
	p.typeInto("#f-password", e2ePassword)
	p.clickThrough(`main form button[type="submit"]`)
}

// reviewed is a workspace whose counselor has reviewed the learner's
// results: recommendations, feedback and verified levels.
func reviewed(t *testing.T) *workspace {
	t.Helper()
	w := newWorkspace(t)
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/recommendations", map[string]any{"step": "security-training", "text": "The college's May course covers this."})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/recommendations", map[string]any{"title": "Evening HTML course",
		"text": "Tuesdays at the library, free for residents.", "url": "https://example.org/evening-html-course-with-a-long-address"})
	expect(t, resp, body, http.StatusCreated)
	return w
}

func TestA11y_ReviewPages(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	w := reviewed(t)
	second := itoa(w.secondResult.ID)

	counselor := w.app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	counselor.loginInBrowser(w.counselor.Email)
	learner := w.app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	learner.loginInBrowser(w.learner.Email)

	for _, size := range reviewWidths {
		for _, p := range []*browserPage{counselor, learner} {
			var opts []chromedp.EmulateViewportOption
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(size.width, size.height, opts...)); err != nil {
				t.Fatalf("%s viewport: %v", size.name, err)
			}
		}
		name := func(page string) string { return fmt.Sprintf("%s at %s", page, size.name) }
		counselor.auditPath(t, name("learner page"), w.learnerPath, axe, http.StatusOK)
		counselor.auditPath(t, name("recommend"), w.learnerPath+"/recommend?step=certification", axe, http.StatusOK)
		counselor.open(w.learnerPath + "/recommend")
		counselor.typeInto("#f-url", "javascript:alert(1)")
		counselor.clickThrough(`main form button[type="submit"]`)
		counselor.auditHere(t, name("recommend with errors"), axe)

		learner.auditPath(t, name("result with recommendations"), "/results/"+second, axe, http.StatusOK)
		learner.auditPath(t, name("progress with recommendations"), "/progress", axe, http.StatusOK)
	}
}
