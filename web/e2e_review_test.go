package web

// The counselor's review, end to end in a real browser: a counselor leaves
// feedback and a verified level on a learner's result (without JavaScript,
// as forms must work), and the learner sees both.

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestE2E_CounselorFeedbackAndVerifiedLevelReachTheLearner(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	prof := builtinProfile(t)
	counselorUser := app.createUser("casey@example.com", "counselor")

	learner := app.inBrowser(t, b.tab(t))
	learner.open("/register")
	learner.typeInto("#f-name", "Lena Learner")
	learner.typeInto("#f-email", "lena@example.com")
	learner.typeInto("#f-password", e2ePassword)
	learner.clickThrough(`main form button[type="submit"]`)
	learner.takeAssessment(prof, modestAnswers())
	resultPath := learner.path()
	resultID := strings.TrimPrefix(resultPath, "/results/")
	learner.open("/account")
	learner.typeInto("#f-share_code", counselorUser.ShareCode)
	learner.clickThrough(`form[action="/account/share"] button[type="submit"]`)

	// The counselor works with scripts off: every form is a plain form.
	counselor := app.inBrowser(t, b.noScriptTab(t))
	counselor.loginInBrowser(counselorUser.Email)
	counselor.open("/counselor")
	counselor.clickThrough(`main a[href^="/counselor/learners/"]`)
	learnerPage := counselor.path()
	feedback := "Good start. Take the security course in May <b>before</b> your next attempt."
	counselor.typeInto("#fb-"+resultID, feedback)
	counselor.clickThrough(`#result-` + resultID + ` form.feedback-form button[type="submit"]`)
	counselor.wantPath(learnerPage + "#result-" + resultID)
	counselor.wantText("main", "Feedback sent")
	counselor.wantText("#result-"+resultID, feedback)

	// A verified level, from the result's review page.
	counselor.clickThrough(`#result-` + resultID + ` a[href="` + learnerPage + `/results/` + resultID + `"]`)
	counselor.do("choose a verified level", setValue(`select[name="v.sec.practices"]`, "4"))
	counselor.clickThrough(`form.verify-form button[type="submit"]`)
	counselor.wantText("main", "Verified levels saved")
	verifiedAnswers := modestAnswers()
	verifiedAnswers["sec.practices"] = 4
	self, verified := app.expectedResult(t, modestAnswers()), app.expectedResult(t, verifiedAnswers)
	counselor.wantText("#verified", shown1(verified.Overall))
	counselor.wantText("#verified", shown1(self.Overall))

	// The learner: "new feedback" on /progress leads to the result, which
	// shows the feedback (as text, not markup) and both scores side by side.
	learner.open("/progress")
	learner.wantText("#new-feedback", "New feedback")
	learner.clickThrough(`#new-feedback a[href="` + resultPath + `#feedback"]`)
	learner.wantText("#feedback", feedback)
	learner.wantText("#feedback", "User casey@example.com")
	if n := learner.count("#feedback b"); n != 0 {
		t.Error("the feedback's markup became elements on the learner's page")
	}
	learner.wantText("#verified", "Verified by your counselor")
	sides := eval[[]string](learner, `[...document.querySelectorAll("#verified .side .side-score")].map(e => e.textContent.trim())`)
	if len(sides) != 2 || !strings.HasPrefix(sides[0], shown1(self.Overall)) || !strings.HasPrefix(sides[1], shown1(verified.Overall)) {
		t.Errorf("side by side on screen %q, want self %.1f and verified %.1f", sides, self.Overall, verified.Overall)
	}
	learner.wantText("#verified", "Securing a website")
	// The self result itself is as it was.
	learner.wantText("h1 .score", shown1(self.Overall))

	// Opened: no longer new; and /account says who looked.
	learner.open("/progress")
	if learner.count("#new-feedback") != 0 {
		t.Error("/progress still announces feedback the learner has read")
	}
	learner.open("/account")
	learner.wantText("main", "opened one of your results to review it")
}

// setValue chooses an option of a select, as a user would.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}
