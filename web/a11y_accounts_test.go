package web

// The accessibility audit of the account pages (issue 13) at a phone's, a
// tablet's and a desktop's width: axe-core in chromium, WCAG 2.1 A and AA.

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/readiness/readiness/db"
)

// widths are the viewports every account page is audited at.
var widths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"tablet", 768, 1024, true},
	{"desktop", 1280, 900, false},
}

// auditAtWidths audits each path at every width; path "" audits the page
// on screen as it is (a form's answer, say) without reloading it.
func (p *browserPage) auditAtWidths(t *testing.T, name, path, axe string, want int64) {
	t.Helper()
	for _, w := range widths {
		opts := []chromedp.EmulateViewportOption{}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w.width, w.height, opts...)); err != nil {
			t.Fatalf("viewport %s: %v", w.name, err)
		}
		if path == "" {
			p.auditHere(t, name+" on a "+w.name, axe)
		} else {
			p.auditPath(t, name+" on a "+w.name, path, axe, want)
		}
	}
	if err := chromedp.Do(p.ctx, chromedp.ResetViewport()); err != nil {
		t.Fatalf("reset viewport: %v", err)
	}
}

// logIn logs the tab in through the login page.
func (p *browserPage) logIn(email string) {
	p.t.Helper()
	p.open("/login")
	p.typeInto("#f-email", email)
	p.typeInto("#f-password", e2ePassword)
	p.clickThrough(`main form button[type="submit"]`)
}

func TestA11y_AccountPages(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	w := newWorkspace(t)
	app := w.app
	group := "Class of 2027"
	if _, err := app.store.UpdateUser(t.Context(), w.admin.ID, w.learner.ID, db.UserChange{Group: &group}); err != nil {
		t.Fatal(err)
	}
	if err := app.store.Link(t.Context(), w.admin.ID, w.learner.ID, w.other.ID); err != nil {
		t.Fatal(err)
	}

	counselor := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	counselor.logIn(w.counselor.Email)
	counselor.auditAtWidths(t, "caseload by group", "/counselor?group=Class+of+2027", axe, http.StatusOK)
	counselor.auditAtWidths(t, "cohort by group", "/counselor/cohort?group=Class+of+2027", axe, http.StatusOK)
	counselor.open(w.learnerPath) // recorded: the learner sees it

	learner := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	learner.logIn("lena@example.org")
	learner.auditAtWidths(t, "account with a record of access", "/account", axe, http.StatusOK)

	admin := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	admin.logIn(w.admin.Email)
	admin.auditAtWidths(t, "users by group", "/admin/users?group=Class+of+2027&sort=-created", axe, http.StatusOK)
	admin.auditAtWidths(t, "audit log", "/admin/audit", axe, http.StatusOK)
	admin.auditAtWidths(t, "audit log with a bad filter", "/admin/audit?email=nope", axe, http.StatusUnprocessableEntity)
}
