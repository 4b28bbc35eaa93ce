package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// The served document is the embedded file, and kin-openapi reads it as a
// valid OpenAPI 3.1 document.
func TestOpenAPI_ServedDocumentIsValid31(t *testing.T) {
	app := newTestApp(t)
	resp, body := app.do(app.client(), "GET", "/api/v1/openapi.json", nil)
	expect(t, resp, body, http.StatusOK)
	if !bytes.Equal(body, openAPIDocument) {
		t.Fatal("GET /api/v1/openapi.json is not web/openapi.json")
	}
	ct := contract(t)
	if !ct.doc.IsOpenAPI31OrLater() || ct.doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi: %q, want 3.1.0", ct.doc.OpenAPI)
	}
}

// apiRoutes are the router's /api/v1 routes as "METHOD /path/{param}".
func apiRoutes(t *testing.T) []string {
	t.Helper()
	app := newTestApp(t)
	engine, ok := app.router.(headAsGet).h.(*gin.Engine)
	if !ok {
		t.Fatalf("NewRouter returned %T, not headAsGet around a gin engine", app.router)
	}
	var out []string
	for _, r := range engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		segs := strings.Split(r.Path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
				segs[i] = "{" + s[1:] + "}"
			}
		}
		out = append(out, r.Method+" "+strings.Join(segs, "/"))
	}
	slices.Sort(out)
	return out
}

// Every /api/v1 route in router.go is in openapi.json, and every operation
// in openapi.json is a route. A new route fails here until it is described
// (see openapi.go for how).
func TestOpenAPI_CoversEveryAPIRoute(t *testing.T) {
	routes := apiRoutes(t)
	var documented []string
	for path, item := range contract(t).doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(documented)
	if len(routes) < 20 {
		t.Fatalf("only %d /api/v1 routes found: %v", len(routes), routes)
	}
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in web/openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("web/openapi.json describes %s, which router.go does not register", d)
		}
	}
}

// The check that runs on every API answer in these tests fails on answers
// that drift from the document, and passes the ones that match it.
func TestOpenAPI_CheckRefusesWhatTheDocumentDoesNotSay(t *testing.T) {
	const jsonType = "application/json; charset=utf-8"
	result := `{"profile":{"id":"p","version":"1"},"overall":50,"band":"developing","requirements":[{"id":"r","met":true}],` +
		`"warnings":[],"dimensions":[{"id":"d","name":"D","weight":10,"score":50,"items":[{"question":"q","answer":2,"points":2,"target":3,"lost":1.5},` +
		`{"question":"h","answer":null,"points":0,"target":0,"lost":0}]}],"steps":[{"id":"s","kind":"course","title":"T","text":"x","gain":2,"required":false}]}`
	stored := `{"id":3,"created_at":"2026-03-02T09:00:00Z","answers":{"q":2,"m":["a","b"],"s":"yes"},` + result[1:]
	// Read back by its learner, a stored result carries what counselors gave about it.
	reviewed := strings.TrimSuffix(stored, "}") + `,"feedback":[{"id":1,"text":"Well done.","counselor":{"id":4,"name":"C"},"created_at":"2026-03-02T09:00:00Z","edited_at":null}],"verified":null}`
	learner := func(latest, delta, last string) string {
		return `{"total":1,"page":1,"per_page":50,"learners":[{"id":2,"name":"L","email":"l@x.org","group":"","attempts":1,"latest":` + latest +
			`,"delta":` + delta + `,"flagged":false,"needs_attention":[],"last_activity_at":` + last + `}]}`
	}
	latest := `{"id":1,"overall":60,"band":"ready","created_at":"2026-03-02T09:00:00Z","verified":null}`
	cases := []struct {
		name, method, path string
		status             int
		contentType, body  string
		ok                 bool
	}{
		{"a learner", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"learner"}`, true},
		{"a counselor with a share code", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"counselor","share_code":"AB12CD34"}`, true},
		{"a counselor without a share code", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"counselor"}`, false},
		{"a learner with a share code", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"learner","share_code":"AB12CD34"}`, false},
		{"a field the document lacks", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"learner","password_hash":"x"}`, false},
		{"a missing field", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","role":"learner"}`, false},
		{"an unknown role", "GET", "/api/v1/me", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"root"}`, false},
		{"a status not listed", "GET", "/api/v1/me", 418, jsonType, `{"error":"teapot"}`, false},
		{"another content type", "GET", "/api/v1/me", 200, "text/html; charset=utf-8", `<p>hi</p>`, false},
		{"a result", "POST", "/api/v1/score", 200, jsonType, result, true},
		{"a result with a stored result's id", "POST", "/api/v1/score", 200, jsonType, `{"id":3,` + result[1:], false},
		{"a stored result", "GET", "/api/v1/assessments/3", 200, jsonType, reviewed, true},
		{"a stored result without its feedback", "GET", "/api/v1/assessments/3", 200, jsonType, stored, false},
		{"a stored result with an extra field", "GET", "/api/v1/assessments/3", 200, jsonType, `{"extra":1,` + reviewed[1:], false},
		{"a stored result without its id", "GET", "/api/v1/assessments/3", 200, jsonType, result, false},
		{"a rating answer out of range", "POST", "/api/v1/score", 200, jsonType, strings.Replace(result, `"answer":2`, `"answer":7`, 1), false},
		{"no body on 204", "POST", "/api/v1/auth/logout", 204, "", "", true},
		{"a body on 204", "POST", "/api/v1/auth/logout", 204, jsonType, `{}`, false},
		{"the error shape", "POST", "/api/v1/score", 422, jsonType, `{"error":"invalid answers","problems":[{"question":"q","problem":"is required"}]}`, true},
		{"a problem naming a field", "GET", "/api/v1/learners", 422, jsonType, `{"error":"invalid caseload query","problems":[{"field":"page","problem":"must be a whole number"}]}`, true},
		{"a problem naming both", "POST", "/api/v1/score", 422, jsonType, `{"error":"x","problems":[{"question":"q","field":"f","problem":"p"}]}`, false},
		{"a problem naming neither", "POST", "/api/v1/score", 422, jsonType, `{"error":"x","problems":[{"problem":"p"}]}`, false},
		{"an error of another shape", "POST", "/api/v1/score", 400, jsonType, `{"message":"bad"}`, false},
		{"a learner before the first attempt", "GET", "/api/v1/learners", 200, jsonType, learner("null", "null", "null"), true},
		{"a learner with attempts", "GET", "/api/v1/learners", 200, jsonType, learner(latest, "-2.5", `"2026-03-02T09:00:00Z"`), true},
		{"a delta that is text", "GET", "/api/v1/learners", 200, jsonType, learner(latest, `"-2.5"`, "null"), false},
		{"a 429 without Retry-After", "POST", "/api/v1/auth/login", 429, jsonType, `{"error":"too many failed logins; try again later"}`, false},
		{"a login without its cookie", "POST", "/api/v1/auth/login", 200, jsonType, `{"id":1,"email":"a@x.org","name":"A","role":"learner"}`, false},
		{"the CSV", "GET", "/api/v1/learners.csv", 200, "text/csv; charset=utf-8", "\ufeffname,email,attempts,latest_overall,latest_band,change,last_activity,flagged,needs_attention,group,verified_overall,verified_band\r\n", false}, // no Content-Disposition
		{"an unknown path answered 404", "GET", "/api/v1/nothing", 404, jsonType, `{"error":"page not found"}`, true},
		{"an unknown path answered 200", "GET", "/api/v1/nothing", 200, jsonType, `{}`, false},
		{"an unlisted method answered 405", "GET", "/api/v1/score", 405, jsonType, `{"error":"method not allowed"}`, true},
		{"an unknown path answered with a page", "GET", "/api/v1/nothing", 404, "text/html; charset=utf-8", `<h1>Not found</h1>`, false},
		{"HEAD answers as GET", "HEAD", "/api/v1/me", 200, jsonType, "", true},
		{"HEAD with a status GET does not list", "HEAD", "/api/v1/me", 418, jsonType, "", false},
		{"pages are not checked", "GET", "/progress", 418, "text/html", "anything", true},
	}
	ct := contract(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			h := http.Header{}
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			if tc.path == "/api/v1/auth/login" && tc.status == 200 && tc.ok {
				h.Set("Set-Cookie", "readiness_session=abc; Path=/; HttpOnly")
			}
			err := ct.checkResponse(req, tc.status, h, []byte(tc.body))
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && err == nil {
				t.Error("passed, want refused")
			}
		})
	}
}

// The CSV passes with its Content-Disposition, and a login with its cookie
// and a 429 with its Retry-After: the headers the document requires.
func TestOpenAPI_CheckAcceptsRequiredHeaders(t *testing.T) {
	ct := contract(t)
	csv := http.Header{"Content-Type": {"text/csv; charset=utf-8"}, "Content-Disposition": {`attachment; filename="caseload-2026-03-02.csv"`}}
	body := "name,email,attempts,latest_overall,latest_band,change,last_activity,flagged,needs_attention,group,verified_overall,verified_band\r\nA,a@x.org,0,,,,,no,,9B,,\r\n"
	if err := ct.checkResponse(httptest.NewRequest("GET", "/api/v1/learners.csv", nil), 200, csv, []byte(body)); err != nil {
		t.Errorf("CSV: %v", err)
	}
	if err := ct.checkResponse(httptest.NewRequest("GET", "/api/v1/learners.csv", nil), 200, csv, []byte("id,name\r\n1,A\r\n")); err == nil {
		t.Error("CSV with other columns passed")
	}
	login := http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"readiness_session=abc; Path=/; HttpOnly; SameSite=Lax"}}
	if err := ct.checkResponse(httptest.NewRequest("POST", "/api/v1/auth/login", nil), 200, login, []byte(`{"id":1,"email":"a@x.org","name":"A","role":"learner"}`)); err != nil {
		t.Errorf("login: %v", err)
	}
	throttled := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"60"}}
	if err := ct.checkResponse(httptest.NewRequest("POST", "/api/v1/auth/login", nil), 429, throttled, []byte(`{"error":"too many failed logins; try again later"}`)); err != nil {
		t.Errorf("429: %v", err)
	}
}
