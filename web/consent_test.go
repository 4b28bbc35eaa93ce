package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A learner sees on /account and in GET /api/v1/me/counselors every
// counselor who can see them, those an admin linked too, and can end each
// link on the page and in the API; a counselor demoted by an admin loses
// every link at once.
func TestConsent_LearnerSeesAndEndsEveryLink(t *testing.T) {
	w := newWorkspace(t)
	// Casey is linked by the learner's share code (newWorkspace); an admin
	// links Olga.
	resp, body := w.app.do(w.ac, "POST", "/admin/links", url.Values{"learner_email": {"lena@example.org"}, "counselor_email": {w.other.Email}})
	expect(t, resp, body, http.StatusSeeOther)

	counselors := func() map[int64]string {
		resp, body := w.app.do(w.lc, "GET", "/api/v1/me/counselors", nil)
		expect(t, resp, body, http.StatusOK)
		var out struct {
			Counselors []struct {
				ID    int64  `json:"id"`
				Email string `json:"email"`
			} `json:"counselors"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		m := map[int64]string{}
		for _, c := range out.Counselors {
			m[c.ID] = c.Email
		}
		return m
	}
	if got := counselors(); len(got) != 2 || got[w.counselor.ID] == "" || got[w.other.ID] == "" {
		t.Fatalf("API lists %v, want both the shared-with and the admin-linked counselor", got)
	}
	resp, body = w.app.do(w.lc, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	for _, c := range []string{w.counselor.Email, w.other.Email} {
		if !strings.Contains(string(body), c) {
			t.Errorf("/account does not show %s", c)
		}
	}
	for _, id := range []int64{w.counselor.ID, w.other.ID} {
		if !strings.Contains(string(body), `action="/account/unshare/`+strconv.FormatInt(id, 10)+`"`) {
			t.Errorf("/account has no way to end the link with counselor %d", id)
		}
	}

	// The admin-linked one ended on the page, the other in the API.
	resp, body = w.app.do(w.lc, "POST", "/account/unshare/"+strconv.FormatInt(w.other.ID, 10), url.Values{})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.oc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = w.app.do(w.lc, "DELETE", "/api/v1/me/counselors/"+strconv.FormatInt(w.counselor.ID, 10), nil)
	expect(t, resp, body, http.StatusNoContent)
	if got := counselors(); len(got) != 0 {
		t.Fatalf("after ending both links the API lists %v", got)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments", nil)
	expect(t, resp, body, http.StatusNotFound)

	// Shared again, then the counselor is demoted: the link is gone for
	// both sides.
	resp, body = w.app.do(w.lc, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.counselor.ShareCode})
	expect(t, resp, body, http.StatusCreated)
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+strconv.FormatInt(w.counselor.ID, 10)+"/role", url.Values{"role": {"learner"}})
	expect(t, resp, body, http.StatusSeeOther)
	if got := counselors(); len(got) != 0 {
		t.Errorf("after the counselor's demotion the learner still lists %v", got)
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+strconv.FormatInt(w.counselor.ID, 10)+"/role", url.Values{"role": {"counselor"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "lena@example.org") {
		t.Error("promoted again, the counselor still sees the learner: demotion did not end the link")
	}
}

// Searching the caseload and the users list folds case in every script:
// "élodie" finds "Élodie", "ΩMEGA" finds "ωmega", on the pages and in the API.
func TestSearch_FoldsCaseInEveryScript(t *testing.T) {
	w := newWorkspace(t)
	for _, n := range []struct{ email, name string }{{"elodie@example.org", "Élodie Martin"}, {"omega@example.org", "Ωmega Ølsen"}} {
		c := w.app.client()
		resp, body := w.app.do(c, "POST", "/api/v1/auth/register", map[string]string{"email": n.email, "password": "correct horse battery", "name": n.name})
		expect(t, resp, body, http.StatusCreated)
		resp, body = w.app.do(c, "POST", "/api/v1/me/counselors", map[string]string{"share_code": w.counselor.ShareCode})
		expect(t, resp, body, http.StatusCreated)
	}
	for _, q := range []struct{ q, want string }{{"élodie", "Élodie Martin"}, {"ÉLODIE", "Élodie Martin"}, {"ωMEGA", "Ωmega Ølsen"}, {"øLSEN", "Ωmega Ølsen"}} {
		resp, body := w.app.do(w.cc, "GET", "/api/v1/learners?q="+url.QueryEscape(q.q), nil)
		expect(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), q.want) || !strings.Contains(string(body), `"total":1`) {
			t.Errorf("API caseload ?q=%s: %.300s, want only %s", q.q, body, q.want)
		}
		resp, body = w.app.do(w.cc, "GET", "/counselor?q="+url.QueryEscape(q.q), nil)
		expect(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), htmlEscaped(q.want)) {
			t.Errorf("caseload page ?q=%s does not list %s", q.q, q.want)
		}
		resp, body = w.app.do(w.ac, "GET", "/admin/users?q="+url.QueryEscape(q.q), nil)
		expect(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), htmlEscaped(q.want)) || !strings.Contains(string(body), "1 account<") {
			t.Errorf("admin users ?q=%s does not list only %s", q.q, q.want)
		}
	}
}
