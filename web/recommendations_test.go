package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

type recommendationResponse struct {
	ID        int64   `json:"id"`
	Step      *string `json:"step"`
	Title     string  `json:"title"`
	Text      string  `json:"text"`
	URL       *string `json:"url"`
	Counselor struct {
		ID   *int64 `json:"id"`
		Name string `json:"name"`
	} `json:"counselor"`
	CreatedAt string `json:"created_at"`
}

type recommendationsResponse struct {
	Recommendations []recommendationResponse `json:"recommendations"`
}

func TestRecommendationsAPI_CounselorRecommendsAndTheLearnerSees(t *testing.T) {
	w := newWorkspace(t)
	recs := w.learnerAPI + "/recommendations"

	// A catalog step alone borrows the catalog's title and text.
	resp, body := w.app.do(w.cc, "POST", recs, map[string]any{"step": "security-training"})
	expect(t, resp, body, http.StatusCreated)
	catalog := decode[recommendationResponse](t, body)
	if catalog.Step == nil || *catalog.Step != "security-training" || catalog.Title != "Train in online security" || catalog.Text == "" ||
		catalog.URL != nil || catalog.Counselor.ID == nil || *catalog.Counselor.ID != w.counselor.ID || catalog.Counselor.Name != w.counselor.Name {
		t.Errorf("catalog recommendation = %s", body)
	}
	if _, err := time.Parse(time.RFC3339, catalog.CreatedAt); err != nil {
		t.Errorf("created_at %q: %v", catalog.CreatedAt, err)
	}
	w.app.clock.Advance(time.Minute)
	resp, body = w.app.do(w.cc, "POST", recs, map[string]any{"step": nil, "title": "Evening <b>HTML</b> course",
		"text": "Tuesdays at the library.\nBring a laptop.", "url": "https://example.org/html?term=spring"})
	expect(t, resp, body, http.StatusCreated)
	own := decode[recommendationResponse](t, body)
	if own.Step != nil || own.URL == nil || *own.URL != "https://example.org/html?term=spring" || own.Text != "Tuesdays at the library.\nBring a laptop." {
		t.Errorf("own recommendation = %s", body)
	}

	// The counselor lists their own; the learner sees every one, newest first.
	for _, c := range []struct {
		name   string
		client *http.Client
		path   string
	}{{"counselor", w.cc, recs}, {"learner", w.lc, "/api/v1/recommendations"}} {
		resp, body = w.app.do(c.client, "GET", c.path, nil)
		expect(t, resp, body, http.StatusOK)
		got := decode[recommendationsResponse](t, body).Recommendations
		if len(got) != 2 || got[0].ID != own.ID || got[1].ID != catalog.ID {
			t.Errorf("%s's list = %s", c.name, body)
		}
	}
	// Beside the ranked steps on the result page and on /progress, escaped.
	for _, p := range []string{"/results/" + strconv.FormatInt(w.secondResult.ID, 10), "/progress"} {
		resp, body = w.app.do(w.lc, "GET", p, nil)
		expect(t, resp, body, http.StatusOK)
		page := string(body)
		for _, want := range []string{"Recommended by your counselor", "Evening &lt;b&gt;HTML&lt;/b&gt; course",
			`href="https://example.org/html?term=spring"`, "Train in online security", w.counselor.Name} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", p, want)
			}
		}
		if strings.Contains(page, "<b>HTML</b>") {
			t.Errorf("%s shows the title unescaped", p)
		}
	}

	// Another counselor sees none of them and cannot delete them.
	resp, body = w.app.do(w.oc, "GET", recs, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.oc, "DELETE", recs+"/"+strconv.FormatInt(own.ID, 10), nil)
	expect(t, resp, body, http.StatusNotFound)
	// The author deletes one; twice is a 404.
	resp, body = w.app.do(w.cc, "DELETE", recs+"/"+strconv.FormatInt(own.ID, 10), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = w.app.do(w.cc, "DELETE", recs+"/"+strconv.FormatInt(own.ID, 10), nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.cc, "DELETE", recs+"/junk", nil)
	expect(t, resp, body, http.StatusNotFound)

	// The learner stops sharing: the counselor can no longer recommend or
	// list, and the learner keeps what they were given.
	resp, body = w.app.do(w.lc, "DELETE", "/api/v1/me/counselors/"+strconv.FormatInt(w.counselor.ID, 10), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = w.app.do(w.cc, "POST", recs, map[string]any{"step": "certification"})
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.cc, "GET", recs, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/recommendations", nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[recommendationsResponse](t, body).Recommendations; len(got) != 1 || got[0].ID != catalog.ID {
		t.Errorf("after unsharing the learner has %s", body)
	}
}

func TestRecommendationsAPI_RefusesBadInputNamingTheField(t *testing.T) {
	w := newWorkspace(t)
	recs := w.learnerAPI + "/recommendations"
	long := strings.Repeat("é", maxFeedbackChars+1)
	tests := []struct {
		name    string
		body    any
		status  int
		field   string
		problem string
	}{
		{"unknown step", map[string]any{"step": "astronaut-school"}, 422, "step", "must be one of the catalog's steps"},
		{"own without a title", map[string]any{"text": "Go."}, 422, "title", "is required"},
		{"own without a text", map[string]any{"title": "Go"}, 422, "text", "is required"},
		{"text too long", map[string]any{"title": "Go", "text": long}, 422, "text", "at most 2000 characters (this one has 2001)"},
		{"title on two lines", map[string]any{"title": "a\nb", "text": "x"}, 422, "title", "one line"},
		{"javascript link", map[string]any{"title": "Go", "text": "x", "url": "javascript:alert(1)"}, 422, "url", "https:// or http://"},
		{"ftp link", map[string]any{"title": "Go", "text": "x", "url": "ftp://example.org/"}, 422, "url", "https:// or http://"},
		{"relative link", map[string]any{"title": "Go", "text": "x", "url": "/courses"}, 422, "url", "https:// or http://"},
		{"link without a host", map[string]any{"title": "Go", "text": "x", "url": "https:///path"}, 422, "url", "must name a site"},
		{"link with a password", map[string]any{"title": "Go", "text": "x", "url": "https://bank.example@evil.example/"}, 422, "url", "user name or password"},
		{"link with a space", map[string]any{"title": "Go", "text": "x", "url": "https://example.org/a b"}, 422, "url", "without spaces"},
		{"title of the wrong type", map[string]any{"title": 7, "text": "x"}, 400, "", ""},
		{"not JSON", "{", 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := w.app.do(w.cc, "POST", recs, tt.body)
			expect(t, resp, body, tt.status)
			if tt.field == "" {
				return
			}
			got := decode[apiError](t, body)
			found := false
			for _, p := range got.Problems {
				found = found || p.Field == tt.field && strings.Contains(p.Problem, tt.problem)
			}
			if !found {
				t.Errorf("problems = %+v, want %s: …%s…", got.Problems, tt.field, tt.problem)
			}
		})
	}
	resp, body := w.app.do(w.lc, "GET", "/api/v1/recommendations", nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[recommendationsResponse](t, body); len(got.Recommendations) != 0 {
		t.Errorf("a refused recommendation was stored: %s", body)
	}
}

func TestRecommendationPages_FormErrorsSaveAndDelete(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.cc, "GET", w.learnerPath+"/recommend?step=certification", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `<option value="certification" selected>`) {
		t.Error("the form does not start from the step in ?step=")
	}
	// The learner page links each ranked step to the form.
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), w.learnerPath+"/recommend?step=") {
		t.Error("the learner page does not offer to recommend its steps")
	}

	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/recommendations", url.Values{"step": {""}, "title": {""}, "text": {"x"}, "url": {"javascript:alert(1)"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, want := range []string{"Title is required", "Link must start with https:// or http://", `value="javascript:alert(1)"`, `aria-invalid="true"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}

	resp, body = w.app.do(w.cc, "POST", w.learnerPath+"/recommendations", url.Values{"step": {""}, "title": {"Evening course"}, "text": {"Tuesdays"}, "url": {"https://example.org/"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != w.learnerPath+"#recommendations" {
		t.Errorf("saved, sent to %q", loc)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	if !strings.Contains(page, "Evening course") || !strings.Contains(page, "Recommendation saved") {
		t.Fatal("the learner page does not list the new recommendation with a flash")
	}
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners/"+strconv.FormatInt(w.learner.ID, 10)+"/recommendations", nil)
	expect(t, resp, body, http.StatusOK)
	id := decode[recommendationsResponse](t, body).Recommendations[0].ID
	del := w.learnerPath + "/recommendations/" + strconv.FormatInt(id, 10) + "/delete"
	if !strings.Contains(page, `action="`+del+`"`) {
		t.Errorf("no delete form for %s", del)
	}
	resp, body = w.app.do(w.oc, "POST", del, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.cc, "POST", del, nil)
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "POST", del, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/recommendations", nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[recommendationsResponse](t, body); len(got.Recommendations) != 0 {
		t.Errorf("after deleting, the learner has %s", body)
	}

	// In Spanish too (?lang= is remembered, so this comes last).
	resp, body = w.app.do(w.cc, "GET", w.learnerPath+"/recommend?lang=es", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Recomendar un paso a") || !strings.Contains(string(body), "Mi propia sugerencia") {
		t.Error("the form is not in Spanish with ?lang=es")
	}
}
