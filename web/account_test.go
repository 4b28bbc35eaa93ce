package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/readiness/readiness/db"
)

// fakeAccountStore has no counselors and records what it is asked to
// delete or unshare; unshareErr is what Unshare answers.
type fakeAccountStore struct {
	deleted    []int64
	unshared   []int64
	unshareErr error
}

func (f *fakeAccountStore) CounselorsOf(context.Context, int64) ([]db.Counselor, error) {
	return nil, nil
}

func (f *fakeAccountStore) ShareWith(context.Context, int64, string) (db.Counselor, error) {
	return db.Counselor{}, db.ErrInvalidShareCode
}

func (f *fakeAccountStore) Unshare(_ context.Context, _, counselorID int64) error {
	f.unshared = append(f.unshared, counselorID)
	return f.unshareErr
}

func (f *fakeAccountStore) ExportUser(context.Context, int64) (db.Export, error) {
	return db.Export{}, nil
}

func (f *fakeAccountStore) AccessLog(context.Context, int64, int, int) ([]db.AuditEntry, error) {
	return nil, nil
}

func (f *fakeAccountStore) CountAccessLog(context.Context, int64) (int, error) { return 0, nil }

func (f *fakeAccountStore) SetTimeZone(context.Context, int64, string) error      { return nil }
func (f *fakeAccountStore) CountUserSessions(context.Context, int64) (int, error) { return 1, nil }

func (f *fakeAccountStore) DeleteUser(_ context.Context, id int64) error {
	f.deleted = append(f.deleted, id)
	return nil
}

func accountTest(t *testing.T, store *fakeAccountStore) http.Handler {
	t.Helper()
	s, _ := testSite(t)
	h := &accountHandlers{site: s, store: store, sharing: store, sessions: &sessions{site: s}}
	r := testEngine(&db.User{ID: 9, Name: "Lin", Email: "lin@example.org", Role: "learner", PasswordHash: mustHash(t, "correct horse battery")})
	r.DELETE("/api/v1/me", h.apiDeleteMe)
	r.POST("/account/delete", h.deleteAccountSubmit)
	r.POST("/account/unshare/:id", h.unshareSubmit)
	r.POST("/api/v1/me/counselors", h.apiShare)
	return r
}

func TestAccountHandlers_DeleteNeedsTheCurrentPassword(t *testing.T) {
	store := &fakeAccountStore{}
	h := accountTest(t, store)
	w := serveTest(t, h, "DELETE", "/api/v1/me", "application/json", `{"password":"not my password"}`)
	var e apiError
	if w.Code != http.StatusUnprocessableEntity || json.Unmarshal(w.Body.Bytes(), &e) != nil || len(e.Problems) != 1 || e.Problems[0].Field != "password" {
		t.Fatalf("wrong password: status %d %s; want 422 naming the password field", w.Code, w.Body)
	}
	w = serveTest(t, h, "POST", "/account/delete", formType, "password=nope")
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "nothing was deleted") {
		t.Fatalf("wrong password on the page: status %d; %.300s", w.Code, w.Body)
	}
	if len(store.deleted) != 0 {
		t.Fatalf("deleted %v with a wrong password", store.deleted)
	}
	w = serveTest(t, h, "DELETE", "/api/v1/me", "application/json", `{"password":"correct horse battery"}`)
	if w.Code != http.StatusNoContent || len(store.deleted) != 1 || store.deleted[0] != 9 {
		t.Fatalf("right password: status %d, deleted %v; want 204 and account 9", w.Code, store.deleted)
	}
	if c := w.Header().Get("Set-Cookie"); !strings.Contains(c, sessionCookie+"=;") || !strings.Contains(c, "Max-Age=0") {
		t.Errorf("the session cookie is not cleared: %q", c)
	}
}

func TestAccountHandlers_StoreAnswersBecomeOneErrorShape(t *testing.T) {
	store := &fakeAccountStore{unshareErr: fmt.Errorf("unshare: %w", db.ErrNotFound)}
	h := accountTest(t, store)
	w := serveTest(t, h, "POST", "/account/unshare/4", formType, "")
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "You do not share with that counselor.") || len(store.unshared) != 1 {
		t.Errorf("unshare a counselor not shared with: status %d, asked %v; %.300s", w.Code, store.unshared, w.Body)
	}
	store.unshareErr = fmt.Errorf("unshare: %w", db.ErrUnavailable)
	if w := serveTest(t, h, "POST", "/account/unshare/4", formType, ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("unshare on a database that cannot be written: status %d, want 503", w.Code)
	}
	// A share code that matches nobody is a 422 naming the field, in the
	// same shape as every other API problem.
	w = serveTest(t, h, "POST", "/api/v1/me/counselors", "application/json", `{"share_code":"NOPE1234"}`)
	var e apiError
	if w.Code != http.StatusUnprocessableEntity || json.Unmarshal(w.Body.Bytes(), &e) != nil ||
		len(e.Problems) != 1 || e.Problems[0].Field != "share_code" || e.Problems[0].Question != "" {
		t.Errorf("unknown share code: status %d %s", w.Code, w.Body)
	}
}
