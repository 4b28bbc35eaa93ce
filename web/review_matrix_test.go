package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// reviewRoutes are the counselor's review routes about the workspace's
// learner (web/recommendations.go and the rest of issue 14): each is the
// counselor's only while the learner shares with them.
func (w *workspace) reviewRoutes() []route {
	return []route{
		{"GET", w.learnerPath + "/recommend", nil, 200, true},
		{"POST", w.learnerPath + "/recommendations", url.Values{"title": {"Page rec"}, "text": {"x"}}, 303, true},
		{"GET", w.learnerAPI + "/recommendations", nil, 200, true},
		{"POST", w.learnerAPI + "/recommendations", map[string]any{"step": "certification"}, 201, true},
	}
}

// TestReviewRoutes_AuthorizationMatrix: anonymous people are sent to log
// in, learners and admins are refused, a counselor the learner does not
// share with gets the one 404, and so does theirs once they stop sharing.
func TestReviewRoutes_AuthorizationMatrix(t *testing.T) {
	w := newWorkspace(t)
	routes := w.reviewRoutes()
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
