package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestAdminRoutes_AuthorizationMatrix(t *testing.T) {
	w := newWorkspace(t)
	linked := w.app.createUser("linked@example.org", "learner")
	if err := w.app.store.Link(t.Context(), 0, linked.ID, w.other.ID); err != nil {
		t.Fatal(err)
	}
	routes := []route{
		{"GET", "/admin/users", nil, 200, false},
		{"POST", "/admin/users/" + id(w.stranger.ID) + "/role", url.Values{"role": {"learner"}}, 303, false},
		{"POST", "/admin/users/" + id(w.stranger.ID) + "/disabled", url.Values{"disabled": {"false"}}, 303, false},
		{"POST", "/admin/links", url.Values{"learner_email": {"sam@example.org"}, "counselor_email": {w.counselor.Email}}, 303, false},
		{"POST", "/admin/links/remove", url.Values{"learner_id": {id(linked.ID)}, "counselor_id": {id(w.other.ID)}}, 303, false},
	}
	actors := []struct {
		name   string
		client *http.Client
		want   int
	}{
		{"anonymous", w.app.client(), http.StatusUnauthorized},
		{"learner", w.lc, http.StatusForbidden},
		{"counselor", w.cc, http.StatusForbidden},
		{"admin", w.ac, 0},
	}
	for _, a := range actors {
		for _, r := range routes {
			t.Run(a.name+" "+r.method+" "+r.path, func(t *testing.T) {
				resp, body := w.app.do(a.client, r.method, r.path, r.body)
				if a.want == 0 {
					expect(t, resp, body, r.ok)
					return
				}
				wantDenied(t, r, resp, body, a.want)
			})
		}
	}
	if ok, _ := w.app.store.IsLinked(t.Context(), w.counselor.ID, w.stranger.ID); !ok {
		t.Error("admin link did not take")
	}
	if ok, _ := w.app.store.IsLinked(t.Context(), w.other.ID, linked.ID); ok {
		t.Error("admin unlink did not take")
	}
}

func TestAdmin_ChangeRoleTakesEffectAtOnce(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "POST", "/admin/users/"+id(w.stranger.ID)+"/role", url.Values{"role": {"counselor"}, "back_q": {"sam"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/users?q=sam" {
		t.Errorf("redirect to %q, want back to the search", loc)
	}
	// Sam's existing session sees the new role and share code on the next request.
	resp, body = w.app.do(w.sc, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	me := decode[meResponse](t, body)
	if me.Role != "counselor" || me.ShareCode == "" {
		t.Errorf("after promotion: %+v", me)
	}
	resp, body = w.app.do(w.sc, "GET", "/counselor", nil)
	expect(t, resp, body, http.StatusOK)

	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+id(w.stranger.ID)+"/role", url.Values{"role": {"superuser"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = w.app.do(w.ac, "POST", "/admin/users/99999/role", url.Values{"role": {"learner"}})
	expect(t, resp, body, http.StatusNotFound)
}

func TestAdmin_DisableEndsSessionsAndLogin(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "POST", "/admin/users/"+id(w.learner.ID)+"/disabled", url.Values{"disabled": {"true"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = w.app.do(w.app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "lena@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusForbidden)
	resp, body = w.app.do(w.app.client(), "POST", "/login", url.Values{"email": {"lena@example.org"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "This account is disabled") {
		t.Errorf("a disabled account logged in through the page: %d %.200s", resp.StatusCode, body)
	}
	resp, body = w.app.do(w.ac, "GET", "/admin/users?q=lena", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Disabled") || !strings.Contains(string(body), "Enable<span") {
		t.Error("disabled account not shown as disabled")
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+id(w.learner.ID)+"/disabled", url.Values{"disabled": {"false"}})
	expect(t, resp, body, http.StatusSeeOther)
	w.app.login(w.app.client(), "lena@example.org")

	// A disabled counselor cannot log in either.
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+id(w.counselor.ID)+"/disabled", url.Values{"disabled": {"true"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = w.app.do(w.app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": w.counselor.Email, "password": "correct horse battery"})
	expect(t, resp, body, http.StatusForbidden)
}

func TestAdmin_CannotLockOutTheLastAdmin(t *testing.T) {
	w := newWorkspace(t)
	self := id(w.admin.ID)
	resp, body := w.app.do(w.ac, "POST", "/admin/users/"+self+"/role", url.Values{"role": {"learner"}})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "last enabled admin") {
		t.Errorf("no reason given: %.500s", body)
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+self+"/disabled", url.Values{"disabled": {"true"}})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "cannot disable your own account") {
		t.Errorf("no reason given: %.500s", body)
	}
	// The page offers no button to disable yourself.
	resp, body = w.app.do(w.ac, "GET", "/admin/users?q=root", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), `Disable<span class="visually-hidden"> root@example.org`) {
		t.Error("the page offers to disable the admin's own account")
	}

	// With a second admin, an admin may step down, and lands on their account page.
	second := w.app.createUser("second@example.org", "admin")
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+self+"/role", url.Values{"role": {"counselor"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/account" {
		t.Errorf("after stepping down: %q", loc)
	}
	resp, body = w.app.do(w.ac, "GET", "/admin/users", nil)
	expect(t, resp, body, http.StatusForbidden)
	// Now second is the last admin: disabling them through the page is refused.
	sc := w.app.client()
	w.app.login(sc, second.Email)
	resp, body = w.app.do(sc, "POST", "/admin/users/"+id(second.ID)+"/role", url.Values{"role": {"learner"}})
	expect(t, resp, body, http.StatusConflict)
}

func TestAdmin_LinkErrorsSearchAndPaging(t *testing.T) {
	w := newWorkspace(t)
	tests := []struct {
		learner, counselor string
		want               []string
	}{
		{"", "", []string{"Learner&#39;s email is required", "Counselor&#39;s email is required"}},
		{"nobody@example.org", w.counselor.Email, []string{"Learner&#39;s email does not match any account"}},
		{w.counselor.Email, w.other.Email, []string{"belongs to a counselor account, not a learner"}},
		{"sam@example.org", "lena@example.org", []string{"belongs to a learner account, not a counselor"}},
	}
	for _, tt := range tests {
		resp, body := w.app.do(w.ac, "POST", "/admin/links", url.Values{"learner_email": {tt.learner}, "counselor_email": {tt.counselor}})
		expect(t, resp, body, http.StatusUnprocessableEntity)
		for _, want := range tt.want {
			if !strings.Contains(string(body), want) {
				t.Errorf("link %q→%q: page lacks %q", tt.learner, tt.counselor, want)
			}
		}
	}
	resp, body := w.app.do(w.ac, "POST", "/admin/links/remove", url.Values{"learner_id": {id(w.stranger.ID)}, "counselor_id": {id(w.counselor.ID)}})
	expect(t, resp, body, http.StatusNotFound)

	// The learner's row lists whom they share with, with an unlink button.
	resp, body = w.app.do(w.ac, "GET", "/admin/users?q=lena", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Unlink<span class=\"visually-hidden\"> lena@example.org from casey@example.org") {
		t.Errorf("learner row lacks the unlink control")
	}

	for i := range 60 {
		w.app.createUser(fmt.Sprintf("bulk%02d@example.org", i), "learner")
	}
	resp, body = w.app.do(w.ac, "GET", "/admin/users", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "65 accounts") || !strings.Contains(string(body), "Page 1 of 2") || !strings.Contains(string(body), `href="/admin/users?page=2"`) {
		t.Errorf("first users page: no paging")
	}
	resp, body = w.app.do(w.ac, "GET", "/admin/users?page=2&role=learner", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "62 accounts") || !strings.Contains(string(body), "Page 2 of 2") || strings.Contains(string(body), "root@example.org") {
		t.Errorf("second learners page wrong")
	}
	resp, body = w.app.do(w.ac, "GET", "/admin/users?q=BULK0", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "10 accounts") {
		t.Errorf("search found the wrong accounts")
	}
}
