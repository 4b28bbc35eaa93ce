package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type feedbackResponse struct {
	ID        int64  `json:"id"`
	Text      string `json:"text"`
	Counselor struct {
		ID   *int64 `json:"id"`
		Name string `json:"name"`
	} `json:"counselor"`
	CreatedAt string  `json:"created_at"`
	EditedAt  *string `json:"edited_at"`
}

// learnerResultWithReview is GET /api/v1/assessments/{id} as a learner
// reads it: the result, and what counselors gave about it.
type learnerResultWithReview struct {
	ID       int64              `json:"id"`
	Overall  float64            `json:"overall"`
	Feedback []feedbackResponse `json:"feedback"`
	Verified *verifiedResponse  `json:"verified"`
}

// shareWithOther makes the workspace's learner share with the second
// counselor too, a colleague of the first.
func (w *workspace) shareWithOther(t *testing.T) {
	t.Helper()
	resp, body := w.app.do(w.lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.other.ShareCode})
	expect(t, resp, body, http.StatusCreated)
}

func TestFeedbackAPI_GivenReadEditedForADayAndKept(t *testing.T) {
	w := newWorkspace(t)
	w.shareWithOther(t)
	second := itoa(w.secondResult.ID)
	fbPath := w.learnerAPI + "/assessments/" + second + "/feedback"
	text := "Security went up: <script>alert(1)</script>\nNext: the payments course."

	resp, body := w.app.do(w.cc, "POST", fbPath, map[string]string{"text": "  " + text + "  "})
	expect(t, resp, body, http.StatusCreated)
	fb := decode[feedbackResponse](t, body)
	if fb.ID == 0 || fb.Text != text || fb.Counselor.ID == nil || *fb.Counselor.ID != w.counselor.ID || fb.Counselor.Name != w.counselor.Name || fb.EditedAt != nil {
		t.Fatalf("feedback = %s", body)
	}
	if _, err := time.Parse(time.RFC3339, fb.CreatedAt); err != nil {
		t.Errorf("created_at: %v", err)
	}
	resp, body = w.app.do(w.oc, "POST", fbPath, map[string]string{"text": "From a colleague."})
	expect(t, resp, body, http.StatusCreated)

	// The learner reads both, oldest first, in the result's API answer.
	resp, body = w.app.do(w.lc, "GET", "/api/v1/assessments/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	got := decode[learnerResultWithReview](t, body)
	if len(got.Feedback) != 2 || got.Feedback[0].Text != text || got.Feedback[1].Counselor.Name != w.other.Name || got.Verified != nil {
		t.Errorf("learner's result = %s", body)
	}
	// Each counselor lists only their own.
	resp, body = w.app.do(w.cc, "GET", fbPath, nil)
	expect(t, resp, body, http.StatusOK)
	if own := decode[struct{ Feedback []feedbackResponse }](t, body).Feedback; len(own) != 1 || own[0].ID != fb.ID {
		t.Errorf("the counselor's own list = %s", body)
	}

	// "New feedback" on /progress until the learner opens the result, where
	// it is shown escaped, with the counselor's name.
	resp, body = w.app.do(w.lc, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "New feedback") || !strings.Contains(string(body), `href="/results/`+second+`#feedback"`) {
		t.Error("/progress does not announce the new feedback")
	}
	resp, body = w.app.do(w.lc, "GET", "/results/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{"Feedback from your counselor", "2 new", html.EscapeString("<script>alert(1)</script>"), w.counselor.Name, w.other.Name} {
		if !strings.Contains(page, want) {
			t.Errorf("the result page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("the feedback is not escaped")
	}
	resp, body = w.app.do(w.lc, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "New feedback") {
		t.Error("/progress still announces feedback the learner opened")
	}

	// The author edits within the day (new again), a colleague cannot.
	one := fbPath + "/" + itoa(fb.ID)
	resp, body = w.app.do(w.oc, "PATCH", one, map[string]string{"text": "mine now"})
	expect(t, resp, body, http.StatusNotFound)
	w.app.clock.Advance(23 * time.Hour)
	resp, body = w.app.do(w.cc, "PATCH", one, map[string]string{"text": "Security went up a lot."})
	expect(t, resp, body, http.StatusOK)
	if edited := decode[feedbackResponse](t, body); edited.Text != "Security went up a lot." || edited.EditedAt == nil {
		t.Errorf("edited = %s", body)
	}
	resp, body = w.app.do(w.lc, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "New feedback") {
		t.Error("an edit is not new feedback on /progress")
	}
	// Under another result's path it is not found.
	resp, body = w.app.do(w.cc, "PATCH", w.learnerAPI+"/assessments/"+itoa(w.firstResult.ID)+"/feedback/"+itoa(fb.ID), map[string]string{"text": "x"})
	expect(t, resp, body, http.StatusNotFound)

	// After a day it is the learner's as it is.
	w.app.clock.Advance(2 * time.Hour)
	resp, body = w.app.do(w.cc, "PATCH", one, map[string]string{"text": "too late"})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "24 hours") {
		t.Errorf("the refusal does not say why: %s", body)
	}
	resp, body = w.app.do(w.cc, "DELETE", one, nil)
	expect(t, resp, body, http.StatusConflict)
	resp, body = w.app.do(w.cc, "POST", fbPath, map[string]string{"text": "A fresh one."})
	expect(t, resp, body, http.StatusCreated)
	fresh := decode[feedbackResponse](t, body)
	resp, body = w.app.do(w.cc, "DELETE", fbPath+"/"+itoa(fresh.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = w.app.do(w.cc, "DELETE", fbPath+"/"+itoa(fresh.ID), nil)
	expect(t, resp, body, http.StatusNotFound)

	// The learner stops sharing with the first counselor: no new feedback,
	// no changes, and the learner keeps what was given.
	resp, body = w.app.do(w.lc, "DELETE", "/api/v1/me/counselors/"+itoa(w.counselor.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = w.app.do(w.cc, "POST", fbPath, map[string]string{"text": "Still here?"})
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/assessments/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[learnerResultWithReview](t, body); len(got.Feedback) != 2 || got.Feedback[0].Text != "Security went up a lot." {
		t.Errorf("after unsharing the learner has %s", body)
	}
}

func TestFeedbackAPI_RefusesBadTextAndOthersResults(t *testing.T) {
	w := newWorkspace(t)
	fbPath := w.learnerAPI + "/assessments/" + itoa(w.secondResult.ID) + "/feedback"
	tests := []struct {
		name    string
		body    any
		status  int
		problem string
	}{
		{"empty", map[string]string{"text": "   "}, 422, "is required"},
		{"missing", map[string]string{}, 422, "is required"},
		{"too long", map[string]string{"text": strings.Repeat("ü", maxFeedbackChars+1)}, 422, "at most 2000 characters (this one has 2001): shorten it by 1"},
		{"a NUL", map[string]string{"text": "a\x00b"}, 422, "plain text"},
		{"not text", map[string]any{"text": 12}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := w.app.do(w.cc, "POST", fbPath, tt.body)
			expect(t, resp, body, tt.status)
			if tt.problem != "" {
				e := decode[apiError](t, body)
				if len(e.Problems) != 1 || e.Problems[0].Field != "text" || !strings.Contains(e.Problems[0].Problem, tt.problem) {
					t.Errorf("problems = %+v, want text: …%s…", e.Problems, tt.problem)
				}
			}
		})
	}
	// Exactly 2,000 characters is fine.
	resp, body := w.app.do(w.cc, "POST", fbPath, map[string]string{"text": strings.Repeat("ü", maxFeedbackChars)})
	expect(t, resp, body, http.StatusCreated)

	// Someone else's result, under this learner, is not found; so is junk.
	resp, body = w.app.do(w.sc, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	strangers := decode[storedResult](t, body)
	for _, aid := range []string{itoa(strangers.ID), "junk", "0"} {
		resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/assessments/"+aid+"/feedback", map[string]string{"text": "x"})
		expect(t, resp, body, http.StatusNotFound)
	}
}

func TestFeedbackPages_FormsBesideEachResultEditAndDelete(t *testing.T) {
	w := newWorkspace(t)
	second := itoa(w.secondResult.ID)
	review := w.learnerPath + "/results/" + second

	resp, body := w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	for _, want := range []string{`id="result-` + second + `"`, `action="` + review + `/feedback"`, `name="from" value="learner"`, `href="` + review + `"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the learner page lacks %s", want)
		}
	}

	// From the learner page, back to that result on the learner page.
	resp, body = w.app.do(w.cc, "POST", review+"/feedback", url.Values{"text": {"Well done on security."}, "from": {"learner"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != w.learnerPath+"#result-"+second {
		t.Errorf("sent to %q", loc)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Well done on security.") || !strings.Contains(string(body), "Feedback sent") {
		t.Error("the learner page does not show the feedback it sent")
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments/"+second+"/feedback", nil)
	expect(t, resp, body, http.StatusOK)
	fid := itoa(decode[struct{ Feedback []feedbackResponse }](t, body).Feedback[0].ID)

	// A refused form comes back on the review page with the text kept.
	long := strings.Repeat("a", maxFeedbackChars+5)
	resp, body = w.app.do(w.cc, "POST", review+"/feedback", url.Values{"text": {long}, "from": {"learner"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, want := range []string{"Feedback for the learner must be at most 2000 characters (this one has 2005)", long, `aria-invalid="true"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the refused form lacks %.60q", want)
		}
	}

	// Edit and delete pages, for a day.
	edit := w.learnerPath + "/feedback/" + fid
	resp, body = w.app.do(w.cc, "GET", edit+"/edit", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Well done on security.") || !strings.Contains(string(body), `action="`+edit+`/delete"`) {
		t.Error("the edit page does not show the feedback and its delete button")
	}
	resp, body = w.app.do(w.oc, "GET", edit+"/edit", nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.cc, "POST", edit, url.Values{"text": {""}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = w.app.do(w.cc, "POST", edit, url.Values{"text": {"Very well done on security."}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.lc, "GET", "/results/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Very well done on security.") || !strings.Contains(string(body), "edited") {
		t.Error("the learner does not see the edited feedback")
	}
	w.app.clock.Advance(feedbackEditWindow + time.Minute)
	resp, body = w.app.do(w.cc, "GET", edit+"/edit", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "can no longer be changed") || strings.Contains(string(body), `action="`+edit+`"`) {
		t.Error("the edit page of old feedback still offers to change it")
	}
	resp, body = w.app.do(w.cc, "POST", edit, url.Values{"text": {"late"}})
	expect(t, resp, body, http.StatusConflict)
	resp, body = w.app.do(w.cc, "POST", edit+"/delete", nil)
	expect(t, resp, body, http.StatusConflict)

	resp, body = w.app.do(w.cc, "POST", review+"/feedback", url.Values{"text": {"Short-lived."}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != review+"#feedback" {
		t.Errorf("from the review page, sent to %q", loc)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments/"+second+"/feedback", nil)
	expect(t, resp, body, http.StatusOK)
	list := decode[struct{ Feedback []feedbackResponse }](t, body).Feedback
	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/feedback/"+itoa(list[len(list)-1].ID)+"/delete", url.Values{"from": {"learner"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.lc, "GET", "/results/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "Short-lived.") {
		t.Error("deleted feedback still shows to the learner")
	}
}

// TestPrivateNotes_NeverReachTheLearnerBesideFeedback: with feedback and
// verified levels on the learner's pages, the counselor's private note is
// still on none of them, nor in the API or the data download.
func TestPrivateNotes_NeverReachTheLearnerBesideFeedback(t *testing.T) {
	w := newWorkspace(t)
	const secret = "PRIVATE-NOTE-9c1e"
	second := itoa(w.secondResult.ID)
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/notes", map[string]string{"text": secret})
	expect(t, resp, body, http.StatusCreated)
	note := decode[struct{ ID int64 }](t, body)
	resp, body = w.app.do(w.cc, "PATCH", w.learnerAPI+"/notes/"+itoa(note.ID), map[string]string{"text": secret + " edited"})
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/assessments/"+second+"/feedback", map[string]string{"text": "FEEDBACK-FOR-LEARNER"})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.cc, "PUT", w.learnerAPI+"/assessments/"+second+"/verified", map[string]any{"answers": map[string]any{"mkt.sem": 4}})
	expect(t, resp, body, http.StatusOK)

	for _, p := range []string{"/results/" + second, "/progress", "/account", "/account/export",
		"/api/v1/assessments/" + second, "/api/v1/assessments", "/api/v1/me/export", "/api/v1/recommendations"} {
		resp, body := w.app.do(w.lc, "GET", p, nil)
		expect(t, resp, body, http.StatusOK)
		if strings.Contains(string(body), secret) {
			t.Errorf("the learner's %s carries the private note", p)
		}
	}
	for _, p := range []string{"/results/" + second, "/api/v1/assessments/" + second, "/api/v1/me/export"} {
		_, body := w.app.do(w.lc, "GET", p, nil)
		if !strings.Contains(string(body), "FEEDBACK-FOR-LEARNER") {
			t.Errorf("the learner's %s lacks the feedback given to them", p)
		}
	}
}
