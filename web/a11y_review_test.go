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

// reviewedWorkspace is a workspace whose counselor has reviewed the
// learner's results: recommendations, feedback on the second result,
// verified levels for it, and a private note.
type reviewedWorkspace struct {
	*workspace
	feedbackID, noteID int64
}

func reviewed(t *testing.T) *reviewedWorkspace {
	t.Helper()
	w := &reviewedWorkspace{workspace: newWorkspace(t)}
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/recommendations", map[string]any{"step": "security-training", "text": "The college's May course covers this."})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/recommendations", map[string]any{"title": "Evening HTML course",
		"text": "Tuesdays at the library, free for residents.", "url": "https://example.org/evening-html-course-with-a-long-address"})
	expect(t, resp, body, http.StatusCreated)
	second := itoa(w.secondResult.ID)
	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/assessments/"+second+"/feedback", map[string]string{"text": "Security went up a lot since your first attempt.\nNext: the payments part of the May course."})
	expect(t, resp, body, http.StatusCreated)
	w.feedbackID = decode[struct{ ID int64 }](t, body).ID
	resp, body = w.app.do(w.cc, "PUT", w.learnerAPI+"/assessments/"+second+"/verified", map[string]any{"answers": map[string]any{"mkt.sem": 4, "web.html": 1, "mgt.models": []string{"b2c", "b2b"}}})
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/notes", map[string]string{"text": "Check the portfolio at the next meeting."})
	expect(t, resp, body, http.StatusCreated)
	w.noteID = decode[struct{ ID int64 }](t, body).ID
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
	// New feedback, as the learner first sees it.
	learner.auditPath(t, "progress with new feedback", "/progress", axe, http.StatusOK)
	learner.auditPath(t, "result with new feedback and verified levels", "/results/"+second, axe, http.StatusOK)

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
		// Each page passes axe, and nothing on it sticks out sideways.
		here := func(p *browserPage, what string) {
			p.auditHere(t, what, axe)
			if msg := eval[string](p, overflowJS); msg != "" {
				t.Errorf("%s overflows sideways: %s", what, msg)
			}
		}
		visit := func(p *browserPage, what, path string, status int64) {
			if p.auditPath(t, what, path, axe, status) {
				if msg := eval[string](p, overflowJS); msg != "" {
					t.Errorf("%s overflows sideways: %s", what, msg)
				}
			}
		}
		name := func(page string) string { return fmt.Sprintf("%s at %s", page, size.name) }
		visit(counselor, name("caseload with a verified score"), "/counselor", http.StatusOK)
		visit(counselor, name("learner page"), w.learnerPath, http.StatusOK)
		review := w.learnerPath + "/results/" + second
		visit(counselor, name("review of a result"), review, http.StatusOK)
		counselor.open(review)
		counselor.do("refuse the verified form", chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="verify"][value="mgt.models"]').checked = true;
		  document.querySelectorAll('input[name="v.mgt.models"]').forEach(b => { b.checked = false })`))
		counselor.clickThrough(`form.verify-form button[type="submit"]`)
		counselor.wantText("#verify-form", "The verified levels were not saved")
		here(counselor, name("review with a refused verified form"))
		counselor.open(review)
		counselor.clickThrough(`form.feedback-form button[type="submit"]`)
		counselor.wantText("#feedback", "Feedback for the learner is required")
		here(counselor, name("review with a refused feedback form"))
		visit(counselor, name("feedback edit"), w.learnerPath+"/feedback/"+itoa(w.feedbackID)+"/edit", http.StatusOK)
		visit(counselor, name("note edit"), w.learnerPath+"/notes/"+itoa(w.noteID)+"/edit", http.StatusOK)
		counselor.do("clear the note", chromedp.Evaluate[chromedp.Void](`document.getElementById("f-text").value = ""`))
		counselor.clickThrough(`main form[action$="/notes/` + itoa(w.noteID) + `"] button[type="submit"]`)
		counselor.wantText("main", "Note is required")
		here(counselor, name("note edit, refused"))
		visit(counselor, name("compare from the counselor's side"), w.learnerPath+"/compare?a="+itoa(w.firstResult.ID)+"&b="+second, http.StatusOK)
		visit(counselor, name("compare with a bad choice"), w.learnerPath+"/compare?a=x", http.StatusBadRequest)
		visit(counselor, name("recommend"), w.learnerPath+"/recommend?step=certification", http.StatusOK)
		counselor.open(w.learnerPath + "/recommend")
		counselor.typeInto("#f-url", "javascript:alert(1)")
		counselor.clickThrough(`main form button[type="submit"]`)
		here(counselor, name("recommend with errors"))

		visit(learner, name("result with recommendations"), "/results/"+second, http.StatusOK)
		visit(learner, name("progress with recommendations"), "/progress", http.StatusOK)
		visit(learner, name("account with the record of access"), "/account", http.StatusOK)
	}
}
