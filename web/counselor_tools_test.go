package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestNotes_CounselorEditsAndDeletesOwn(t *testing.T) {
	w := newWorkspace(t)
	w.shareWithOther(t)
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/notes", map[string]string{"text": "first thoughts"})
	expect(t, resp, body, http.StatusCreated)
	n := decode[struct {
		ID       int64   `json:"id"`
		EditedAt *string `json:"edited_at"`
	}](t, body)
	if n.EditedAt != nil {
		t.Errorf("a new note is edited: %s", body)
	}
	api := w.learnerAPI + "/notes/" + itoa(n.ID)
	page := w.learnerPath + "/notes/" + itoa(n.ID)

	// A colleague cannot touch it, nor can anyone under another learner.
	resp, body = w.app.do(w.oc, "PATCH", api, map[string]string{"text": "mine"})
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.oc, "GET", page+"/edit", nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.cc, "PATCH", "/api/v1/learners/"+itoa(w.stranger.ID)+"/notes/"+itoa(n.ID), map[string]string{"text": "x"})
	expect(t, resp, body, http.StatusNotFound)

	resp, body = w.app.do(w.cc, "PATCH", api, map[string]string{"text": strings.Repeat("x", maxNoteChars+1)})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = w.app.do(w.cc, "PATCH", api, map[string]string{"text": "second thoughts"})
	expect(t, resp, body, http.StatusOK)
	if got := decode[struct {
		Text     string  `json:"text"`
		EditedAt *string `json:"edited_at"`
	}](t, body); got.Text != "second thoughts" || got.EditedAt == nil {
		t.Errorf("edited note = %s", body)
	}

	// The page: an edit link and a delete button beside each note; the
	// edit form refuses bad text beside the field and saves good text.
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `href="`+page+`/edit"`) || !strings.Contains(string(body), `action="`+page+`/delete"`) {
		t.Error("the learner page does not offer to edit and delete the note")
	}
	resp, body = w.app.do(w.cc, "GET", page+"/edit", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "second thoughts") {
		t.Error("the edit page does not hold the note")
	}
	resp, body = w.app.do(w.cc, "POST", page, url.Values{"text": {" "}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Note is required") {
		t.Error("the refused edit does not say why")
	}
	resp, body = w.app.do(w.cc, "POST", page, url.Values{"text": {"third thoughts"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/notes", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "third thoughts") {
		t.Errorf("notes after the page edit: %s", body)
	}
	resp, body = w.app.do(w.cc, "POST", page+"/delete", nil)
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "DELETE", api, nil)
	expect(t, resp, body, http.StatusNotFound)

	resp, body = w.app.do(w.cc, "POST", w.learnerAPI+"/notes", map[string]string{"text": "kept"})
	expect(t, resp, body, http.StatusCreated)
	kept := itoa(decode[struct{ ID int64 }](t, body).ID)
	resp, body = w.app.do(w.cc, "DELETE", w.learnerAPI+"/notes/"+kept, nil)
	expect(t, resp, body, http.StatusNoContent)
}

func TestCounselorCompare_TheLearnersCompareViewFromTheCounselorsSide(t *testing.T) {
	w := newWorkspace(t)
	first, second := itoa(w.firstResult.ID), itoa(w.secondResult.ID)
	cmp := w.learnerPath + "/compare"

	resp, body := w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `action="`+cmp+`"`) {
		t.Error("the learner page has no compare form")
	}
	resp, body = w.app.do(w.cc, "GET", cmp+"?a="+first+"&b="+second, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{"Compare two attempts of " + w.learner.Name, "Online security", `href="` + w.learnerPath + `/results/` + second + `"`, `action="` + cmp + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the counselor's compare lacks %q", want)
		}
	}
	for _, learnerOnly := range []string{`href="/results/`, `href="/progress#plan"`, "Back to your progress", "Your band"} {
		if strings.Contains(page, learnerOnly) {
			t.Errorf("the counselor's compare has the learner's %q", learnerOnly)
		}
	}

	// Bad choices: the form again; someone else's attempt: not found.
	resp, body = w.app.do(w.cc, "GET", cmp+"?a=x&b="+second, nil)
	expect(t, resp, body, http.StatusBadRequest)
	resp, body = w.app.do(w.sc, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	strangers := itoa(decode[storedResult](t, body).ID)
	resp, body = w.app.do(w.cc, "GET", cmp+"?a="+strangers+"&b="+second, nil)
	expect(t, resp, body, http.StatusNotFound)
	// The learner's own compare page is unchanged.
	resp, body = w.app.do(w.lc, "GET", "/progress/compare?a="+first+"&b="+second, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Your band") || !strings.Contains(string(body), `action="/progress/compare"`) {
		t.Error("the learner's compare page lost its wording or form")
	}
}

// TestRecordOfAccess_ReviewViewsAreLogged: each new way a counselor sees
// a learner's results is in the learner's record of access on /account.
func TestRecordOfAccess_ReviewViewsAreLogged(t *testing.T) {
	w := newWorkspace(t)
	first, second := itoa(w.firstResult.ID), itoa(w.secondResult.ID)
	count := func() map[string]int {
		resp, body := w.app.do(w.lc, "GET", "/api/v1/me/access?limit=100", nil)
		expect(t, resp, body, http.StatusOK)
		got := map[string]int{}
		for _, e := range decode[struct {
			Entries []struct {
				Action string `json:"action"`
				By     struct {
					Name string `json:"name"`
				} `json:"by"`
			} `json:"entries"`
		}](t, body).Entries {
			got[e.Action]++
		}
		return got
	}
	before := count()
	for _, r := range []struct{ method, path string }{
		{"GET", w.learnerPath + "/results/" + second},
		{"GET", w.learnerPath + "/compare?a=" + first + "&b=" + second},
		{"PUT", w.learnerAPI + "/assessments/" + second + "/verified"},
		{"GET", w.learnerAPI + "/assessments/" + second + "/verified"},
	} {
		var body any
		if r.method == "PUT" {
			body = map[string]any{"answers": map[string]any{"mkt.sem": 4}}
		}
		resp, b := w.app.do(w.cc, r.method, r.path, body)
		expect(t, resp, b, http.StatusOK)
	}
	after := count()
	for action, n := range map[string]int{"results.review": 1, "results.compare": 1, "results.verified": 2} {
		if after[action]-before[action] != n {
			t.Errorf("%s recorded %d times, want %d (all: %v)", action, after[action]-before[action], n, after)
		}
	}
	resp, body := w.app.do(w.lc, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	for _, words := range []string{"opened one of your results to review it", "compared two of your results"} {
		if !strings.Contains(string(body), words) {
			t.Errorf("/account does not tell the learner the counselor %s", words)
		}
	}
	// A refused compare reads nothing, so it records nothing.
	resp, body = w.app.do(w.cc, "GET", w.learnerPath+"/compare?a=x", nil)
	expect(t, resp, body, http.StatusBadRequest)
	if c := count(); c["results.compare"] != after["results.compare"] {
		t.Error("a refused compare was recorded as an opening")
	}
}
