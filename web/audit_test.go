package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/readiness/readiness/db"
)

// auditPage is GET /api/v1/admin/audit's body.
type auditPage struct {
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
	Entries []auditEntryJSON `json:"entries"`
}

// accessPageJSON is GET /api/v1/me/access's body.
type accessPageJSON struct {
	Total   int               `json:"total"`
	Entries []accessEntryJSON `json:"entries"`
}

func (w *workspace) audit(t *testing.T, query string) auditPage {
	t.Helper()
	resp, body := w.app.do(w.ac, "GET", "/api/v1/admin/audit"+query, nil)
	expect(t, resp, body, http.StatusOK)
	return decode[auditPage](t, body)
}

func (w *workspace) access(t *testing.T) accessPageJSON {
	t.Helper()
	resp, body := w.app.do(w.lc, "GET", "/api/v1/me/access", nil)
	expect(t, resp, body, http.StatusOK)
	return decode[accessPageJSON](t, body)
}

func TestAudit_AdminActionsThroughThePagesAreLogged(t *testing.T) {
	w := newWorkspace(t)
	steps := []struct {
		path string
		form url.Values
	}{
		{"/admin/users/" + id(w.stranger.ID) + "/role", url.Values{"role": {"counselor"}}},
		{"/admin/users/" + id(w.stranger.ID) + "/disabled", url.Values{"disabled": {"true"}}},
		{"/admin/users/" + id(w.stranger.ID) + "/disabled", url.Values{"disabled": {"false"}}},
		{"/admin/links", url.Values{"learner_email": {"lena@example.org"}, "counselor_email": {w.other.Email}}},
		{"/admin/links/remove", url.Values{"learner_id": {id(w.learner.ID)}, "counselor_id": {id(w.other.ID)}}},
	}
	for _, s := range steps {
		resp, body := w.app.do(w.ac, "POST", s.path, s.form)
		expect(t, resp, body, http.StatusSeeOther)
	}
	log := w.audit(t, "")
	want := []struct{ action, subject, detail string }{
		{db.ActionLinkRemove, "lena@example.org", "with counselor olga@example.org"},
		{db.ActionLinkCreate, "lena@example.org", "with counselor olga@example.org"},
		{db.ActionUserEnable, "sam@example.org", ""},
		{db.ActionUserDisable, "sam@example.org", ""},
		{db.ActionUserRole, "sam@example.org", "learner → counselor"},
	}
	if log.Total != len(want) || len(log.Entries) != len(want) || log.PerPage != auditPageSize {
		t.Fatalf("audit log: %+v", log)
	}
	for i, e := range log.Entries {
		if e.Action != want[i].action || e.Subject == nil || e.Subject.Email != want[i].subject || e.Detail != want[i].detail ||
			e.Actor.ID == nil || *e.Actor.ID != w.admin.ID || e.Actor.Email != "root@example.org" || e.Kind != db.KindAdmin || e.At == "" {
			t.Errorf("entry %d = %+v, want %+v by root", i, e, want[i])
		}
	}
	// Filtered by person (id or email) and by kind.
	if got := w.audit(t, "?user_id="+id(w.stranger.ID)); got.Total != 3 {
		t.Errorf("by user_id: %d entries, want 3", got.Total)
	}
	if got := w.audit(t, "?email=LENA@example.org"); got.Total != 2 {
		t.Errorf("by email: %d entries, want 2", got.Total)
	}
	if got := w.audit(t, "?kind=access"); got.Total != 0 {
		t.Errorf("access entries: %d, want 0", got.Total)
	}
	if got := w.audit(t, "?page=2"); got.Page != 2 || len(got.Entries) != 0 || got.Total != 5 {
		t.Errorf("page 2: %+v", got)
	}
	// The page shows the same log, with words.
	resp, body := w.app.do(w.ac, "GET", "/admin/audit?email=sam@example.org", nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{"3 entries", "changed the role", "learner → counselor", "disabled the account", "enabled the account", "root@example.org"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("/admin/audit lacks %q", s)
		}
	}
	if strings.Contains(string(body), "linked the learner") {
		t.Error("/admin/audit filtered by sam shows lena's link")
	}
}

func TestAudit_BadFiltersAreNamedAndOnlyAdminsRead(t *testing.T) {
	w := newWorkspace(t)
	for q, field := range map[string]string{"?user_id=x": "user_id", "?user_id=-3": "user_id", "?email=not-an-email": "email",
		"?kind=secret": "kind", "?page=0": "page"} {
		resp, body := w.app.do(w.ac, "GET", "/api/v1/admin/audit"+q, nil)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		var e apiError
		if json.Unmarshal(body, &e) != nil || len(e.Problems) != 1 || e.Problems[0].Field != field {
			t.Errorf("%s: %s; want one problem naming %s", q, body, field)
		}
	}
	resp, body := w.app.do(w.ac, "GET", "/admin/audit?email=not-an-email", nil)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Person's email: Enter an email address like name@example.com.") {
		t.Errorf("the page does not say what is wrong: %.2000s", body)
	}
	for _, c := range []*http.Client{w.lc, w.cc} {
		for _, p := range []string{"/api/v1/admin/audit", "/admin/audit"} {
			resp, body := w.app.do(c, "GET", p, nil)
			expect(t, resp, body, http.StatusForbidden)
		}
	}
	resp, body = w.app.do(w.app.client(), "GET", "/api/v1/admin/audit", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	// The log cannot be changed through the app: no method but GET is routed.
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		resp, body := w.app.do(w.ac, m, "/api/v1/admin/audit", "{}")
		if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s /api/v1/admin/audit: %d %s", m, resp.StatusCode, body)
		}
	}
}

func TestRecordOfAccess_TheLearnerSeesWhoOpenedTheirResults(t *testing.T) {
	w := newWorkspace(t)
	if got := w.access(t); got.Total != 0 {
		t.Fatalf("before anyone looked: %+v", got)
	}
	// The caseload list is how a counselor picks someone: not an opening.
	resp, body := w.app.do(w.cc, "GET", "/counselor", nil)
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	if got := w.access(t); got.Total != 0 {
		t.Fatalf("the caseload list was recorded: %+v", got)
	}
	resp, body = w.app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	w.app.clock.Advance(60_000_000_000)
	resp, body = w.app.do(w.cc, "GET", w.learnerAPI+"/assessments", nil)
	expect(t, resp, body, http.StatusOK)
	w.app.clock.Advance(60_000_000_000)
	resp, body = w.app.do(w.cc, "GET", "/counselor/caseload.csv", nil)
	expect(t, resp, body, http.StatusOK)
	// Another counselor's learner-page attempt is a 404 and no record.
	resp, body = w.app.do(w.oc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusNotFound)

	got := w.access(t)
	want := []string{db.ActionResultsCSV, db.ActionResultsAPI, db.ActionResultsPage}
	if got.Total != 3 || len(got.Entries) != 3 {
		t.Fatalf("record of access: %+v", got)
	}
	for i, e := range got.Entries {
		if e.Action != want[i] || e.By.Email != w.counselor.Email || e.By.ID == nil || e.Words == "" || e.At == "" {
			t.Errorf("entry %d = %+v, want %s by casey", i, e, want[i])
		}
	}
	resp, body = w.app.do(w.lc, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{"Who has seen your results", "User casey@example.org", "opened your results",
		"read your results through the API", "exported your latest result in a caseload spreadsheet (CSV)", "3 Mar 2026, 09:02 UTC"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("/account lacks %q", s)
		}
	}
	// Admins see it in the whole log; the other learner sees nothing of it.
	if log := w.audit(t, "?kind=access&user_id="+id(w.learner.ID)); log.Total != 3 {
		t.Errorf("admin's view of lena's access: %d", log.Total)
	}
	resp, body = w.app.do(w.sc, "GET", "/api/v1/me/access", nil)
	expect(t, resp, body, http.StatusOK)
	if decode[accessPageJSON](t, body).Total != 0 {
		t.Error("another learner sees lena's record of access")
	}
	// Only learners have one.
	resp, body = w.app.do(w.cc, "GET", "/api/v1/me/access", nil)
	expect(t, resp, body, http.StatusForbidden)
}

func TestRecordOfAccess_PagesOnTheAccountPage(t *testing.T) {
	w := newWorkspace(t)
	for range accessPageSize + 5 {
		if err := w.app.store.RecordAccess(t.Context(), w.counselor.ID, w.learner.ID, db.ActionResultsPage); err != nil {
			t.Fatal(err)
		}
	}
	resp, body := w.app.do(w.lc, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Page 1 of 2") || !strings.Contains(string(body), `href="/account?access_page=2#access-h"`) {
		t.Errorf("the first page of the record has no way to the second")
	}
	resp, body = w.app.do(w.lc, "GET", "/account?access_page=2", nil)
	expect(t, resp, body, http.StatusOK)
	if n := strings.Count(string(body), "<td role=\"cell\" data-label=\"What they did\">opened your results</td>"); !strings.Contains(string(body), "Page 2 of 2") || n != 5 {
		t.Errorf("second page shows %d entries, want 5", n)
	}
}

func TestGroups_FilterTheCaseloadItsCSVAndTheCohort(t *testing.T) {
	w := newWorkspace(t)
	group := "Class of 2027"
	if _, err := w.app.store.UpdateUser(t.Context(), w.admin.ID, w.learner.ID, db.UserChange{Group: &group}); err != nil {
		t.Fatal(err)
	}
	other := w.app.createUser("otto@example.org", "learner")
	if err := w.app.store.Link(t.Context(), w.admin.ID, other.ID, w.counselor.ID); err != nil {
		t.Fatal(err)
	}

	resp, body := w.app.do(w.cc, "GET", "/api/v1/learners?group=class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	var list struct {
		Total    int            `json:"total"`
		Learners []caseloadJSON `json:"learners"`
	}
	if err := json.Unmarshal(body, &list); err != nil || list.Total != 1 || list.Learners[0].Group != "Class of 2027" {
		t.Errorf("caseload by group: %s", body)
	}
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `"group":""`) {
		t.Errorf("a learner with no group has no group field: %s", body)
	}
	resp, body = w.app.do(w.cc, "GET", "/api/v1/learners?group="+url.QueryEscape("bad\x00group"), nil)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), `"field":"group"`) {
		t.Errorf("a bad group does not name the field: %s", body)
	}

	resp, body = w.app.do(w.cc, "GET", "/counselor?group=Class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	for _, s := range []string{"1 learner match", `data-label="Group">Class of 2027<`, `<option value="Class of 2027" selected>Class of 2027 (1)</option>`,
		`href="/counselor/caseload.csv?group=Class&#43;of&#43;2027"`, `href="/counselor/cohort?group=Class%20of%202027"`} {
		if !strings.Contains(page, s) {
			t.Errorf("/counselor?group= lacks %q", s)
		}
	}
	if strings.Contains(page, "otto@example.org") {
		t.Error("the group filter shows someone outside the group")
	}

	resp, body = w.app.do(w.cc, "GET", "/counselor/caseload.csv?group=Class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][9] != "Group" || recs[1][9] != "Class of 2027" {
		t.Errorf("CSV by group: %q, %v", recs, err)
	}
	// Only the learners in the file were recorded as opened.
	if got := w.audit(t, "?kind=access&user_id="+id(other.ID)); got.Total != 0 {
		t.Errorf("otto was not in the file but was recorded: %+v", got)
	}

	resp, body = w.app.do(w.cc, "GET", "/api/v1/cohort?group=class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	if co := decode[cohortView](t, body); co.Learners != 1 || co.Assessed != 1 {
		t.Errorf("cohort of the group: %+v", co)
	}
	resp, body = w.app.do(w.cc, "GET", "/counselor/cohort?group=Class+of+2027", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Cohort summary: Class of 2027") || !strings.Contains(string(body), "1 learner in Class of 2027 share") {
		t.Errorf("cohort page by group: %.1500s", body)
	}
	resp, body = w.app.do(w.cc, "GET", "/counselor/cohort?group="+url.QueryEscape("x\u200by"), nil)
	expect(t, resp, body, http.StatusUnprocessableEntity)

	// Admins filter the users list by group.
	resp, body = w.app.do(w.ac, "GET", "/admin/users?group=CLASS+OF+2027", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "1 account") || !strings.Contains(string(body), "lena@example.org") {
		t.Errorf("users by group: %.2000s", body)
	}
}

func TestConsent_AdminMadeLinkIsShownAndTheLearnerEndsIt(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "POST", "/admin/links", url.Values{"learner_email": {"lena@example.org"}, "counselor_email": {w.other.Email}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.lc, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Linked by User root@example.org, an administrator") {
		t.Errorf("the admin-made link is not marked: %.3000s", body)
	}
	resp, body = w.app.do(w.lc, "GET", "/api/v1/me/counselors", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `"by_admin":true`) || !strings.Contains(string(body), `"by_admin":false`) {
		t.Errorf("me/counselors: %s", body)
	}
	resp, body = w.app.do(w.lc, "POST", "/account/unshare/"+id(w.other.ID), url.Values{})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.oc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusNotFound)
}
