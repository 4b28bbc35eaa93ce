package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics from an instruments listener, as Prometheus would.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics: Content-Type %q, want Prometheus text", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// sample is the value of the family's series with exactly these labels (a
// counter's value, a histogram's count), and whether there is one.
func sample(families map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		if len(m.GetLabel())*2 != len(labels) {
			continue
		}
		match := true
		for i := 0; i < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			match = match && found
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		}
	}
	return 0, false
}

func wantSample(t *testing.T, families map[string]*dto.MetricFamily, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := sample(families, name, labels...)
	if !ok {
		t.Errorf("%s%v: no such series", name, labels)
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

// serveInstruments serves the app's metrics the way --metrics-addr does,
// on a listener of its own.
func serveInstruments(t *testing.T, app *testApp) string {
	t.Helper()
	srv := httptest.NewServer(InstrumentsHandler(app.metrics, discardLogger()))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Requests are counted under the route template with their status and
// timed; ids in paths, HEAD and made-up methods make no series of their own.
func TestMetrics_RequestsByRouteTemplateAndStatus(t *testing.T) {
	app := newTestApp(t)
	metrics := serveInstruments(t, app)
	c := app.client()
	app.register(c, "ada@example.org")
	var ids []int64
	for range 2 {
		resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
		expect(t, resp, body, http.StatusCreated)
		ids = append(ids, decode[storedResult](t, body).ID)
	}
	for _, id := range ids {
		resp, body := app.do(c, "GET", "/api/v1/assessments/"+strconv.FormatInt(id, 10), nil)
		expect(t, resp, body, http.StatusOK)
	}
	resp, body := app.do(c, "GET", "/api/v1/assessments/999999", nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = app.do(c, "HEAD", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	resp, body = app.do(c, "GET", "/no/such/page", nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = app.do(c, "BREW", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusMethodNotAllowed)

	m := scrape(t, metrics)
	const requests, duration = "readiness_http_requests_total", "readiness_http_request_duration_seconds"
	wantSample(t, m, 1, requests, "method", "POST", "route", "/api/v1/auth/register", "code", "201")
	wantSample(t, m, 2, requests, "method", "POST", "route", "/api/v1/assessments", "code", "201")
	wantSample(t, m, 2, requests, "method", "GET", "route", "/api/v1/assessments/:id", "code", "200")
	wantSample(t, m, 1, requests, "method", "GET", "route", "/api/v1/assessments/:id", "code", "404")
	wantSample(t, m, 1, requests, "method", "HEAD", "route", "/api/v1/me", "code", "200")
	wantSample(t, m, 1, requests, "method", "GET", "route", "unmatched", "code", "404")
	wantSample(t, m, 1, requests, "method", "other", "route", "unmatched", "code", "405")
	wantSample(t, m, 3, duration, "method", "GET", "route", "/api/v1/assessments/:id")
	wantSample(t, m, 2, duration, "method", "POST", "route", "/api/v1/assessments")
	wantSample(t, m, 2, "readiness_results_stored_total", "owner", "learner")
	for _, f := range []string{requests, duration} {
		for _, s := range m[f].GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() != "route" {
					continue
				}
				for _, seg := range strings.Split(l.GetValue(), "/") {
					if _, err := strconv.Atoi(seg); err == nil {
						t.Errorf("%s has a raw path as its route: %q", f, l.GetValue())
					}
				}
			}
		}
	}
	// The histogram's sum is real time, and its buckets reach below a millisecond.
	for _, s := range m[duration].GetMetric() {
		if h := s.GetHistogram(); h.GetSampleSum() <= 0 || h.GetBucket()[0].GetUpperBound() > 0.001 {
			t.Errorf("histogram %v: sum %v, first bucket %v", s.GetLabel(), h.GetSampleSum(), h.GetBucket()[0].GetUpperBound())
		}
	}
}

// Wrong passwords and throttled logins and registrations are counted, on
// the API and the pages alike; a visitor's result counts as stored.
func TestMetrics_LoginFailuresThrottlingAndVisitorResults(t *testing.T) {
	const perHour = 3
	app := proxiedApp(t, perHour)
	metrics := serveInstruments(t, app)
	app.register(app.client(), "owner@example.org")
	m := scrape(t, metrics)
	wantSample(t, m, 0, "readiness_login_failures_total")
	wantSample(t, m, 0, "readiness_throttled_attempts_total", "action", "login")

	bad := map[string]string{"email": "owner@example.org", "password": "a wrong guess"}
	for i := range throttleFailures {
		var status int
		if i%2 == 0 {
			resp, _ := app.do(app.client(), "POST", "/api/v1/auth/login", bad)
			status = resp.StatusCode
		} else {
			resp, _ := app.do(app.client(), "POST", "/login", urlValues(bad))
			status = resp.StatusCode
		}
		if status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, status)
		}
	}
	resp, body := app.do(app.client(), "POST", "/api/v1/auth/login", bad)
	expect(t, resp, body, http.StatusTooManyRequests)

	// Registrations from one address run out too.
	for i := 0; ; i++ {
		reg := map[string]string{"email": fmt.Sprintf("r%d@example.org", i), "password": "correct horse battery", "name": "R"}
		resp, body := app.do(app.client(), "POST", "/api/v1/auth/register", reg)
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
		expect(t, resp, body, http.StatusCreated)
		if i > perHour {
			t.Fatalf("%d registrations from one address, none refused", i+1)
		}
	}

	// A visitor finishes the assessment on the pages.
	c := app.client()
	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		resp, body := app.do(c, "POST", "/assessment", sectionForm(t, n, action))
		expect(t, resp, body, http.StatusSeeOther)
	}

	m = scrape(t, metrics)
	wantSample(t, m, throttleFailures, "readiness_login_failures_total")
	wantSample(t, m, 1, "readiness_throttled_attempts_total", "action", "login")
	wantSample(t, m, 1, "readiness_throttled_attempts_total", "action", "register")
	wantSample(t, m, 1, "readiness_results_stored_total", "owner", "visitor")
	wantSample(t, m, 0, "readiness_results_stored_total", "owner", "learner")
	wantSample(t, m, 3, "readiness_http_requests_total", "method", "POST", "route", "/api/v1/auth/login", "code", "401")
	wantSample(t, m, 2, "readiness_http_requests_total", "method", "POST", "route", "/login", "code", "401")
}

// /metrics and /debug/pprof/ are on the instruments listener only: the
// public one answers 404 for them.
func TestMetrics_OnlyOnTheInstrumentsListener(t *testing.T) {
	app := newTestApp(t)
	metrics := serveInstruments(t, app)
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline"} {
		resp, body := app.do(app.client(), "GET", path, nil)
		expect(t, resp, body, http.StatusNotFound)
	}
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/goroutine?debug=1": "goroutine profile:",
		"/debug/pprof/heap?debug=1":      "heap profile:",
		"/debug/pprof/cmdline":           "web.test",
	} {
		resp, err := http.Get(metrics + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("instruments GET %s: %d, want 200 with %q; body %.200s", path, resp.StatusCode, want, body)
		}
	}
}

func urlValues(m map[string]string) url.Values {
	v := url.Values{}
	for k, s := range m {
		v[k] = []string{s}
	}
	return v
}

// The middleware's own cost per request: a route that does nothing, with
// and without it.
func BenchmarkMeasure(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			r := testEngine(nil)
			if on {
				m, err := NewMetrics(prometheus.NewRegistry())
				if err != nil {
					b.Fatal(err)
				}
				r.Use(m.measure)
			}
			r.GET("/api/v1/things/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
			req := httptest.NewRequest("GET", "/api/v1/things/42", nil)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				r.ServeHTTP(w, req)
			}
		})
	}
}
