package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// usersPage is GET /api/v1/admin/users' answer.
type usersPage struct {
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
	Users   []adminUserJSON `json:"users"`
}

func (w *workspace) users(t *testing.T, query string) usersPage {
	t.Helper()
	resp, body := w.app.do(w.ac, "GET", "/api/v1/admin/users"+query, nil)
	expect(t, resp, body, http.StatusOK)
	return decode[usersPage](t, body)
}

func emails(us []adminUserJSON) string {
	var out []string
	for _, u := range us {
		out = append(out, u.Email)
	}
	return strings.Join(out, " ")
}

func TestAdminAPI_ListFiltersSortsAndPages(t *testing.T) {
	w := newWorkspace(t)
	for i := range 55 {
		resp, body := w.app.do(w.ac, "POST", "/api/v1/admin/users", map[string]string{"email": fmt.Sprintf("p%02d@example.org", i), "name": fmt.Sprintf("Pupil %02d", i), "group": "Evening"})
		expect(t, resp, body, http.StatusCreated)
	}
	all := w.users(t, "")
	if all.Total != 60 || len(all.Users) != adminPageSize || all.PerPage != adminPageSize || all.Users[0].Email != "casey@example.org" {
		t.Errorf("first page: total %d, %d users, first %s", all.Total, len(all.Users), all.Users[0].Email)
	}
	if u := all.Users[0]; u.ShareCode == "" || !u.PasswordSet || u.CreatedAt == "" {
		t.Errorf("a counselor as admins see them: %+v", u)
	}
	if p2 := w.users(t, "?page=2"); p2.Page != 2 || len(p2.Users) != 10 {
		t.Errorf("page 2: %d users", len(p2.Users))
	}
	if g := w.users(t, "?group=evening&q=pupil+0&sort=-name"); g.Total != 10 || !strings.HasPrefix(emails(g.Users), "p09@example.org p08") {
		t.Errorf("group, search, sort: %d: %s", g.Total, emails(g.Users))
	}
	if r := w.users(t, "?role=admin"); emails(r.Users) != "root@example.org" {
		t.Errorf("role=admin: %s", emails(r.Users))
	}
	for q, field := range map[string]string{"?role=owner": "role", "?sort=password": "sort", "?page=x": "page",
		"?group=" + url.QueryEscape("a\u200bb"): "group", "?q=" + strings.Repeat("q", 101): "q"} {
		resp, body := w.app.do(w.ac, "GET", "/api/v1/admin/users"+q, nil)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		wantProblem(t, body, field, "")
	}
	// The page sorts and pages the same way.
	resp, body := w.app.do(w.ac, "GET", "/admin/users?group=Evening&sort=-name", nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	first, last := strings.Index(page, "p54@example.org"), strings.Index(page, "p05@example.org")
	if !strings.Contains(page, "55 accounts") || first < 0 || last < first || strings.Contains(page, "p04@example.org") ||
		!strings.Contains(page, `aria-sort="descending"`) || !strings.Contains(page, `href="/admin/users?group=Evening&amp;page=2&amp;sort=-name"`) {
		t.Errorf("users page sorted by name, descending, in a group: paging or order wrong")
	}
}

func TestAdminAPI_GetAndPatch(t *testing.T) {
	w := newWorkspace(t)
	path := "/api/v1/admin/users/" + id(w.learner.ID)
	resp, body := w.app.do(w.ac, "GET", path, nil)
	expect(t, resp, body, http.StatusOK)
	got := decode[adminUserJSON](t, body)
	if got.Email != "lena@example.org" || len(got.Counselors) != 1 || got.Counselors[0].Email != w.counselor.Email || got.Counselors[0].ByAdmin {
		t.Errorf("GET: %s", body)
	}
	resp, body = w.app.do(w.ac, "PATCH", path, `{"name":"  Lena Lind ","group":"Class  of 2027"}`)
	expect(t, resp, body, http.StatusOK)
	got = decode[adminUserJSON](t, body)
	if got.Name != "Lena Lind" || got.Group != "Class of 2027" {
		t.Errorf("PATCH name and group: %s", body)
	}
	resp, body = w.app.do(w.ac, "PATCH", path, `{"group":null}`)
	expect(t, resp, body, http.StatusOK)
	if decode[adminUserJSON](t, body).Group != "" {
		t.Errorf("group null: %s", body)
	}
	resp, body = w.app.do(w.ac, "PATCH", "/api/v1/admin/users/"+id(w.counselor.ID), `{"role":"learner"}`)
	expect(t, resp, body, http.StatusOK)
	// Demoting the counselor ended Lena's link.
	resp, body = w.app.do(w.ac, "GET", path, nil)
	expect(t, resp, body, http.StatusOK)
	if len(decode[adminUserJSON](t, body).Counselors) != 0 {
		t.Error("a demoted counselor still sees lena")
	}
	cases := []struct {
		path, body string
		status     int
		field      string
	}{
		{path, `{"email":"new@example.org"}`, 422, "email"},
		{path, `{"role":"owner"}`, 422, "role"},
		{path, `{"disabled":"yes"}`, 422, "disabled"},
		{path, `{"name":42}`, 422, "name"},
		{path, `{"name":""}`, 422, "name"},
		{path, `{"role":null}`, 422, "role"},
		{path, `{}`, 422, "body"},
		{"/api/v1/admin/users/" + id(w.other.ID), `{"group":"Class of 2027"}`, 422, "group"},
		{"/api/v1/admin/users/" + id(w.admin.ID), `{"disabled":true}`, 409, "disabled"},
		{"/api/v1/admin/users/" + id(w.admin.ID), `{"role":"learner"}`, 409, "role"},
		{"/api/v1/admin/users/99999", `{"name":"Nobody"}`, 404, "id"},
	}
	for _, c := range cases {
		resp, body := w.app.do(w.ac, "PATCH", c.path, c.body)
		expect(t, resp, body, c.status)
		wantProblem(t, body, c.field, "")
	}
	for _, p := range []string{"/api/v1/admin/users/0", "/api/v1/admin/users/abc"} {
		resp, body := w.app.do(w.ac, "GET", p, nil)
		expect(t, resp, body, http.StatusNotFound)
	}
	resp, body = w.app.do(w.ac, "PATCH", path, `[1,2]`)
	expect(t, resp, body, http.StatusBadRequest)
	// Every change is in the log, none of the refused ones.
	log := w.audit(t, "?user_id="+id(w.learner.ID))
	var actions []string
	for _, e := range log.Entries {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "user.group user.name user.group" {
		t.Errorf("lena's audit: %v", actions)
	}
}

func TestAdminAPI_OnlyAdminsAndSameOrigin(t *testing.T) {
	w := newWorkspace(t)
	lena := "/api/v1/admin/users/" + id(w.learner.ID)
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/admin/users", ""},
		{"POST", "/api/v1/admin/users", `{"email":"x@example.org","name":"X"}`},
		{"GET", lena, ""},
		{"PATCH", lena, `{"name":"X"}`},
		{"POST", lena + "/reset-link", ""},
	}
	for _, r := range routes {
		var body any
		if r.body != "" {
			body = r.body
		}
		for _, c := range []struct {
			client *http.Client
			status int
		}{{w.app.client(), 401}, {w.lc, 403}, {w.cc, 403}} {
			resp, b := w.app.do(c.client, r.method, r.path, body)
			expect(t, resp, b, c.status)
		}
		if r.method != "GET" {
			resp, b := w.app.do(w.ac, r.method, r.path, body, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
			expect(t, resp, b, http.StatusForbidden)
		}
	}
	// Counselors cannot make a link for anyone, admins included; the
	// refused requests changed nothing.
	if n := w.audit(t, "?kind=admin").Total; n != 0 {
		t.Errorf("%d admin actions recorded from refused requests", n)
	}
}
