package web

// The accessibility audit of the account pages (issue 13) at a phone's, a
// tablet's and a desktop's width: axe-core in chromium, WCAG 2.1 A and AA.

import (
	"net/http"
	"strings"
	"testing"
	"time"

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

	// The password form, refused.
	learner.open("/account")
	learner.typeInto("#f-current_password", "not my password")
	learner.typeInto("#f-new_password", "short")
	learner.clickThrough(`form[action="/account/password"] button[type="submit"]`)
	learner.auditAtWidths(t, "account with password errors", "", axe, 0)

	admin := app.inBrowserFor(t, b.tab(t), 10*scenarioTimeout)
	admin.logIn(w.admin.Email)
	admin.auditAtWidths(t, "users by group", "/admin/users?group=Class+of+2027&sort=-created", axe, http.StatusOK)
	admin.auditAtWidths(t, "audit log", "/admin/audit", axe, http.StatusOK)
	admin.auditAtWidths(t, "audit log with a bad filter", "/admin/audit?email=nope", axe, http.StatusUnprocessableEntity)
	admin.auditAtWidths(t, "a person's page", "/admin/users/"+id(w.learner.ID), axe, http.StatusOK)

	// Adding a person: refused, then made, with its invitation link.
	admin.open("/admin/users")
	admin.typeInto("#f-email", "not an email")
	admin.clickThrough(`form[action="/admin/users"][method="post"] button[type="submit"]`)
	admin.auditAtWidths(t, "add a person, refused", "", axe, 0)
	admin.open("/admin/users")
	admin.typeInto("#f-name", "Nia Njoku")
	admin.typeInto("#f-email", "nia@example.org")
	admin.typeInto("#f-new-group", "Class of 2027")
	admin.clickThrough(`form[action="/admin/users"][method="post"] button[type="submit"]`)
	admin.auditAtWidths(t, "a person added, with the link", "", axe, 0)
	invite := eval[string](admin, `document.getElementById("made-url").value`)
	admin.open("/admin/users/" + id(w.learner.ID))
	admin.clickThrough(`form[action$="/reset-link"] button[type="submit"]`)
	admin.auditAtWidths(t, "a person's page with a reset link", "", axe, 0)

	// A roster import: the empty page, a check with problems, the import
	// with its invitation links, and a file that is not a roster.
	roster := writeRoster(t, "email,name,role,group,counselor_email\r\n"+
		"omar@example.org,Omar Haddad,learner,Class of 2027,"+w.counselor.Email+"\r\n"+
		"lena@example.org,Lena Again,,,\r\n")
	admin.auditAtWidths(t, "import page", "/admin/users/import", axe, http.StatusOK)
	admin.do("choose the file", chromedp.SetUploadFiles(`#f-roster`, []string{roster}))
	admin.clickThrough(`form.import-form button[value="1"]`)
	admin.auditAtWidths(t, "import checked, with problems", "", axe, 0)
	admin.clickThrough(`form[data-import] button[type="submit"]`)
	admin.auditAtWidths(t, "import done, with links", "", axe, 0)
	admin.open("/admin/users/import")
	admin.do("choose a bad file", chromedp.SetUploadFiles(`#f-roster`, []string{writeRoster(t, "mail,full name\r\n")}))
	admin.clickThrough(`form.import-form button[value="0"]`)
	admin.auditAtWidths(t, "import of a file that is not a roster", "", axe, 0)

	visitor := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)
	visitor.auditAtWidths(t, "invitation", strings.TrimPrefix(invite, app.srv.URL), axe, http.StatusOK)
	visitor.typeInto("#f-new_password", "nia@example.org")
	visitor.clickThrough(`main form button[type="submit"]`)
	visitor.auditAtWidths(t, "invitation with a weak password", "", axe, 0)
	visitor.auditAtWidths(t, "an unknown link", "/reset/nope", axe, http.StatusNotFound)
	app.clock.Advance(25 * time.Hour)
	visitor.auditAtWidths(t, "an expired link", strings.TrimPrefix(invite, app.srv.URL), axe, http.StatusGone)
}
