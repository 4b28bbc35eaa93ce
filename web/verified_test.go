package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

type verifiedResponse struct {
	AssessmentID int64          `json:"assessment_id"`
	Answers      map[string]any `json:"answers"`
	Counselor    struct {
		ID   *int64 `json:"id"`
		Name string `json:"name"`
	} `json:"counselor"`
	VerifiedAt string `json:"verified_at"`
	Self       struct {
		Overall float64 `json:"overall"`
		Band    string  `json:"band"`
	} `json:"self"`
	Result json.RawMessage `json:"result"`
}

func jsonValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v: %.200s", err, data)
	}
	return v
}

func TestVerifiedAPI_SameScorerSelfResultUntouched(t *testing.T) {
	w := newWorkspace(t)
	second := itoa(w.secondResult.ID)
	path := w.learnerAPI + "/assessments/" + second + "/verified"
	verified := map[string]any{"mkt.sem": 4, "edu.certifications": []string{"security", "web-development"}, "web.years": "3-5"}

	resp, before := w.app.do(w.cc, "GET", w.learnerAPI+"/assessments", nil)
	expect(t, resp, before, http.StatusOK)
	resp, body := w.app.do(w.cc, "GET", path, nil)
	expect(t, resp, body, http.StatusNotFound)

	resp, body = w.app.do(w.cc, "PUT", path, map[string]any{"answers": verified})
	expect(t, resp, body, http.StatusOK)
	got := decode[verifiedResponse](t, body)
	if got.AssessmentID != w.secondResult.ID || len(got.Answers) != 3 || got.Counselor.Name != w.counselor.Name ||
		got.Self.Overall != w.secondResult.Overall || got.Self.Band != w.secondResult.Band {
		t.Errorf("verified = %.400s", body)
	}
	// The verified result is the scorer's over the self answers (the second
	// result's) with the verified ones in their place.
	self := map[string]any{"sec.practices": 4, "sec.threats": 4}
	for k, v := range verified {
		self[k] = v
	}
	resp, want := w.app.do(w.app.client(), "POST", "/api/v1/score", withAnswers(t, self))
	expect(t, resp, want, http.StatusOK)
	if !reflect.DeepEqual(jsonValue(t, got.Result), jsonValue(t, want)) {
		t.Errorf("verified result differs from scoring the merged answers:\n got %.300s\nwant %.300s", got.Result, want)
	}
	if r := decode[storedResult](t, got.Result); r.Overall <= w.secondResult.Overall {
		t.Errorf("verified overall %.1f, want above the self %.1f", r.Overall, w.secondResult.Overall)
	}

	// The stored self result is exactly as it was.
	resp, after := w.app.do(w.cc, "GET", w.learnerAPI+"/assessments", nil)
	expect(t, resp, after, http.StatusOK)
	if !bytes.Equal(before, after) {
		t.Error("recording verified levels changed the stored self results")
	}

	// The learner reads it beside their result; GET reads it back.
	resp, body = w.app.do(w.lc, "GET", "/api/v1/assessments/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	lr := decode[learnerResultWithReview](t, body)
	if lr.Overall != w.secondResult.Overall || lr.Verified == nil || !reflect.DeepEqual(jsonValue(t, lr.Verified.Result), jsonValue(t, got.Result)) {
		t.Errorf("learner's result = %.300s", body)
	}
	resp, body = w.app.do(w.cc, "GET", path, nil)
	expect(t, resp, body, http.StatusOK)
	if again := decode[verifiedResponse](t, body); !reflect.DeepEqual(again.Answers, got.Answers) {
		t.Errorf("read back %.300s", body)
	}

	// Recording again replaces the set.
	resp, body = w.app.do(w.cc, "PUT", path, map[string]any{"answers": map[string]any{"mkt.sem": 1}})
	expect(t, resp, body, http.StatusOK)
	if again := decode[verifiedResponse](t, body); len(again.Answers) != 1 || again.Answers["mkt.sem"] != 1.0 {
		t.Errorf("after recording again: %.300s", body)
	}
	resp, body = w.app.do(w.cc, "DELETE", path, nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = w.app.do(w.cc, "DELETE", path, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/assessments/"+second, nil)
	expect(t, resp, body, http.StatusOK)
	if decode[learnerResultWithReview](t, body).Verified != nil {
		t.Error("the learner still reads removed verified levels")
	}
}

func TestVerifiedAPI_ValidatedLikeAnswers(t *testing.T) {
	w := newWorkspace(t)
	path := w.learnerAPI + "/assessments/" + itoa(w.secondResult.ID) + "/verified"
	tests := []struct {
		name            string
		body            any
		status          int
		question, field string
		problem         string
	}{
		{"level out of range", `{"answers":{"mkt.sem":7}}`, 422, "mkt.sem", "", "must be an integer from 0 to 4"},
		{"level as text", `{"answers":{"mkt.sem":"two"}}`, 422, "mkt.sem", "", "must be an integer from 0 to 4"},
		{"unknown option", `{"answers":{"edu.degree":"phd"}}`, 422, "edu.degree", "", "is not an option"},
		{"unknown question", `{"answers":{"mkt.tiktok":3}}`, 422, "mkt.tiktok", "", "is not a question"},
		{"exclusive option with others", `{"answers":{"mgt.models":["none","b2c"]}}`, 422, "mgt.models", "", "none"},
		{"nothing verified", `{"answers":{}}`, 422, "", "answers", "at least one answer"},
		{"only nulls", `{"answers":{"mkt.sem":null}}`, 422, "", "answers", "at least one answer"},
		{"no answers", `{}`, 422, "", "answers", "is required"},
		{"answers not an object", `{"answers":[1]}`, 400, "", "", ""},
		{"not JSON", `{"answers":`, 400, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := w.app.do(w.cc, "PUT", path, tt.body)
			expect(t, resp, body, tt.status)
			if tt.problem == "" {
				return
			}
			e := decode[apiError](t, body)
			found := false
			for _, p := range e.Problems {
				found = found || p.Question == tt.question && p.Field == tt.field && strings.Contains(p.Problem, tt.problem)
			}
			if !found {
				t.Errorf("problems = %+v, want %s%s: …%s…", e.Problems, tt.question, tt.field, tt.problem)
			}
		})
	}
	resp, body := w.app.do(w.cc, "GET", path, nil)
	expect(t, resp, body, http.StatusNotFound)
}

func TestVerified_CaseloadColumnCSVAndPagesSideBySide(t *testing.T) {
	w := newWorkspace(t)
	second := itoa(w.secondResult.ID)
	resp, body := w.app.do(w.cc, "PUT", w.learnerAPI+"/assessments/"+second+"/verified", map[string]any{"answers": map[string]any{"mkt.years": "6+", "mkt.sem": 4}})
	expect(t, resp, body, http.StatusOK)
	v := decode[verifiedResponse](t, body)
	vr := decode[storedResult](t, v.Result)

	// The caseload API: the latest result's verified score beside its own.
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	var list struct {
		Learners []struct {
			Latest struct {
				Overall  float64 `json:"overall"`
				Verified *struct {
					Overall float64 `json:"overall"`
					Band    string  `json:"band"`
				} `json:"verified"`
			} `json:"latest"`
		} `json:"learners"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Learners) != 1 {
		t.Fatalf("caseload: %v %.200s", err, body)
	}
	if l := list.Learners[0].Latest; l.Overall != w.secondResult.Overall || l.Verified == nil || l.Verified.Overall != vr.Overall || l.Verified.Band != vr.Band {
		t.Errorf("caseload latest = %+v, want self %.2f and verified %.2f", l, w.secondResult.Overall, vr.Overall)
	}
	// The CSV has both, in their own columns.
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners.csv", nil)
	expect(t, resp, body, http.StatusOK)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %q", err, recs)
	}
	col := map[string]string{}
	for i, h := range recs[0] {
		col[h] = recs[1][i]
	}
	if col["latest_overall"] != csvNumber(w.secondResult.Overall) || col["verified_overall"] != csvNumber(vr.Overall) || col["verified_band"] != vr.Band {
		t.Errorf("csv row = %v", col)
	}
	// The caseload page shows the verified column.
	resp, body = w.app.do(w.cc, "GET", "/counselor", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `data-label="Verified">`+fmtScore(vr.Overall)) {
		t.Error("the caseload page has no verified score")
	}

	// Side by side on the learner's result page, on the counselor's review
	// page and in the summary of the result on the learner page.
	want := []string{fmtScore(w.secondResult.Overall), fmtScore(vr.Overall), "Self-assessed", "Verified by " + w.counselor.Name, "Search engine marketing"}
	for _, c := range []struct {
		who    string
		client *http.Client
		path   string
		extra  string
	}{
		{"learner", w.lc, "/results/" + second, "Verified by your counselor"},
		{"counselor", w.cc, w.learnerPath + "/results/" + second, "Record verified levels"},
	} {
		resp, body = w.app.do(c.client, "GET", c.path, nil)
		expect(t, resp, body, http.StatusOK)
		for _, s := range append(want, c.extra) {
			if !strings.Contains(string(body), s) {
				t.Errorf("the %s's %s lacks %q", c.who, c.path, s)
			}
		}
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "verified "+fmtScore(vr.Overall)) {
		t.Error("the learner page does not show the verified score beside the result")
	}
}

func fmtScore(x float64) string { return csvNumber(x) }

func TestVerifiedPage_FormSavesRefusesAndRemoves(t *testing.T) {
	w := newWorkspace(t)
	review := w.learnerPath + "/results/" + itoa(w.secondResult.ID)
	resp, body := w.app.do(w.cc, "GET", review, nil)
	expect(t, resp, body, http.StatusOK)
	for _, want := range []string{`name="v.mkt.sem"`, `name="verify" value="mgt.models"`, `name="v.mgt.models" value="b2b"`, "No verified levels are recorded"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the review page lacks %s", want)
		}
	}

	// A multi question marked verified with nothing chosen, and nothing else.
	resp, body = w.app.do(w.cc, "POST", review+"/verified", url.Values{"verify": {"mgt.models"}, "v.mkt.sem": {""}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), `id="err-mgt.models"`) || !strings.Contains(string(body), "The verified levels were not saved") {
		t.Error("the refused form does not name the question")
	}
	resp, body = w.app.do(w.cc, "POST", review+"/verified", url.Values{"v.mkt.sem": {""}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "at least one answer") {
		t.Error("an empty form is not refused with a reason")
	}
	resp, body = w.app.do(w.cc, "POST", review+"/verified", url.Values{"v.mkt.sem": {"9"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)

	resp, body = w.app.do(w.cc, "POST", review+"/verified", url.Values{"v.mkt.sem": {"4"}, "verify": {"mgt.models"}, "v.mgt.models": {"b2c", "b2b", "c2c"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", review, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{"Verified levels saved", `<option value="4" selected>`, `name="v.mgt.models" value="c2c" checked`, `name="verify" value="mgt.models" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("after saving, the review page lacks %s", want)
		}
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments/"+itoa(w.secondResult.ID)+"/verified", nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[verifiedResponse](t, body); len(got.Answers) != 2 {
		t.Errorf("stored from the form: %.300s", body)
	}
	resp, body = w.app.do(w.cc, "POST", review+"/verified/delete", nil)
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "POST", review+"/verified/delete", nil)
	expect(t, resp, body, http.StatusNotFound)
}
