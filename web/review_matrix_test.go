package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// reviewRoutes are the counselor's review routes about the workspace's
// learner (issue 14): each is the counselor's only while the learner
// shares with them. It makes what they act on first (feedback, notes,
// recommendations, one for each route that changes or deletes one), and
// orders the routes so each finds what it needs when the counselor runs
// them in turn.
func (w *workspace) reviewRoutes(t *testing.T) []route {
	t.Helper()
	second := itoa(w.secondResult.ID)
	create := func(path string, body any) string {
		t.Helper()
		resp, b := w.app.do(w.cc, "POST", path, body)
		expect(t, resp, b, http.StatusCreated)
		return itoa(decode[struct{ ID int64 }](t, b).ID)
	}
	fb := w.learnerAPI + "/assessments/" + second + "/feedback"
	fA, fB, fC := create(fb, map[string]string{"text": "a"}), create(fb, map[string]string{"text": "b"}), create(fb, map[string]string{"text": "c"})
	notes := w.learnerAPI + "/notes"
	nA, nB, nC := create(notes, map[string]string{"text": "a"}), create(notes, map[string]string{"text": "b"}), create(notes, map[string]string{"text": "c"})
	recs := w.learnerAPI + "/recommendations"
	rA, rB := create(recs, map[string]any{"step": "certification"}), create(recs, map[string]any{"step": "core-skills"})
	review := w.learnerPath + "/results/" + second
	verified := w.learnerAPI + "/assessments/" + second + "/verified"
	level := map[string]any{"answers": map[string]any{"mkt.sem": 4}}
	return []route{
		{"GET", w.learnerPath + "/recommend", nil, 200, true},
		{"POST", w.learnerPath + "/recommendations", url.Values{"title": {"Page rec"}, "text": {"x"}}, 303, true},
		{"GET", recs, nil, 200, true},
		{"POST", recs, map[string]any{"step": "certification"}, 201, true},
		{"GET", w.learnerPath + "/compare?a=" + itoa(w.firstResult.ID) + "&b=" + second, nil, 200, true},
		{"GET", review, nil, 200, true},
		{"POST", review + "/feedback", url.Values{"text": {"page feedback"}}, 303, true},
		{"POST", fb, map[string]string{"text": "api feedback"}, 201, true},
		{"GET", fb, nil, 200, true},
		{"PATCH", fb + "/" + fA, map[string]string{"text": "a, edited"}, 200, true},
		{"DELETE", fb + "/" + fB, nil, 204, true},
		{"GET", w.learnerPath + "/feedback/" + fA + "/edit", nil, 200, true},
		{"POST", w.learnerPath + "/feedback/" + fA, url.Values{"text": {"a, edited again"}}, 303, true},
		{"POST", w.learnerPath + "/feedback/" + fC + "/delete", nil, 303, true},
		{"PUT", verified, level, 200, true},
		{"GET", verified, nil, 200, true},
		{"POST", review + "/verified", url.Values{"v.mkt.sem": {"3"}}, 303, true},
		{"POST", review + "/verified/delete", nil, 303, true},
		{"PUT", verified, level, 200, true},
		{"DELETE", verified, nil, 204, true},
		{"PATCH", notes + "/" + nA, map[string]string{"text": "a, edited"}, 200, true},
		{"DELETE", notes + "/" + nB, nil, 204, true},
		{"GET", w.learnerPath + "/notes/" + nA + "/edit", nil, 200, true},
		{"POST", w.learnerPath + "/notes/" + nA, url.Values{"text": {"a, edited again"}}, 303, true},
		{"POST", w.learnerPath + "/notes/" + nC + "/delete", nil, 303, true},
		{"DELETE", recs + "/" + rA, nil, 204, true},
		{"POST", w.learnerPath + "/recommendations/" + rB + "/delete", nil, 303, true},
	}
}

// TestReviewRoutes_AuthorizationMatrix: anonymous people are sent to log
// in, learners and admins are refused, a counselor the learner does not
// share with gets the one 404, and so does theirs once they stop sharing.
func TestReviewRoutes_AuthorizationMatrix(t *testing.T) {
	w := newWorkspace(t)
	routes := w.reviewRoutes(t)
	actors := []struct {
		name   string
		client *http.Client
		status func(route) int
	}{
		{"anonymous", w.app.client(), func(route) int { return http.StatusUnauthorized }},
		{"learner", w.lc, func(route) int { return http.StatusForbidden }},
		{"admin", w.ac, func(route) int { return http.StatusForbidden }},
		{"counselor not shared with", w.oc, func(route) int { return http.StatusNotFound }},
		{"own counselor", w.cc, func(r route) int { return r.ok }},
	}
	// Cross-site, every change is refused (and changes nothing: the
	// counselor's own run below still finds everything it acts on).
	for _, r := range routes {
		if r.method == "GET" {
			continue
		}
		resp, body := w.app.do(w.cc, r.method, r.path, r.body, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site %s %s: %d, want 403; %.200s", r.method, r.path, resp.StatusCode, body)
		}
	}
	for _, a := range actors {
		for _, r := range routes {
			t.Run(a.name+" "+r.method+" "+r.path, func(t *testing.T) {
				resp, body := w.app.do(a.client, r.method, r.path, r.body)
				if want := a.status(r); want != r.ok || resp.StatusCode != want {
					wantDenied(t, r, resp, body, want)
				}
			})
		}
	}
	resp, body := w.app.do(w.lc, "DELETE", "/api/v1/me/counselors/"+itoa(w.counselor.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	for _, r := range routes {
		resp, body := w.app.do(w.cc, r.method, r.path, r.body)
		wantDenied(t, r, resp, body, http.StatusNotFound)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
