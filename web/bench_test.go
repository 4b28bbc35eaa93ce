package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Server-side time of the pages and API calls, measured in process (no
// network) against a real SQLite file: go test -bench . -run '^$' ./web/

// benchLearner registers a learner with n stored attempts and returns their
// session cookie and the newest result's id.
func benchLearner(b *testing.B, app *testApp, n int) (cookie string, latest int64) {
	b.Helper()
	c := app.client()
	app.register(c, "bench@example.org")
	for i := 0; i < n; i++ {
		app.clock.Advance(12 * time.Hour) // 50 attempts stay inside the session limits
		rating := i % 5
		resp, body := app.do(c, "POST", "/api/v1/assessments", withAnswers(b, map[string]any{"sec.practices": rating, "mkt.sem": 4 - rating}))
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("seed attempt %d: %d %s", i, resp.StatusCode, body)
		}
		var r storedResult
		if err := json.Unmarshal(body, &r); err != nil {
			b.Fatal(err)
		}
		latest = r.ID
	}
	u, _ := url.Parse(app.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			cookie = ck.Name + "=" + ck.Value
		}
	}
	return cookie, latest
}

func benchGet(b *testing.B, app *testApp, path, cookie string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		app.router.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

func BenchmarkResultPage(b *testing.B) {
	app := newTestApp(b)
	cookie, id := benchLearner(b, app, 1)
	benchGet(b, app, "/results/"+strconv.FormatInt(id, 10), cookie)
}

func BenchmarkHistoryPage50Attempts(b *testing.B) {
	app := newTestApp(b)
	cookie, _ := benchLearner(b, app, 50)
	benchGet(b, app, "/progress", cookie)
}

func BenchmarkScoreAPI(b *testing.B) { benchScore(b, "") }

// BenchmarkScoreAPISpanish is the score API asked in Spanish through
// Accept-Language: what choosing the language and relabelling cost.
func BenchmarkScoreAPISpanish(b *testing.B) { benchScore(b, "es-MX,es;q=0.9,en;q=0.5") }

func benchScore(b *testing.B, acceptLanguage string) {
	app := newTestApp(b)
	body, _ := json.Marshal(sampleSubmission(b))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api/v1/score", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if acceptLanguage != "" {
			req.Header.Set("Accept-Language", acceptLanguage)
		}
		rec := httptest.NewRecorder()
		app.router.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("score: %d %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkSubmitAPI(b *testing.B) {
	app := newTestApp(b)
	cookie, _ := benchLearner(b, app, 0)
	body, _ := json.Marshal(sampleSubmission(b))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/api/v1/assessments", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		app.router.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkCounselorLearnerPage50Attempts is the counselor's page about a
// learner with 50 results (each result listed with its explanation).
func BenchmarkCounselorLearnerPage50Attempts(b *testing.B) {
	app := newTestApp(b)
	_, _ = benchLearner(b, app, 50)
	counselor := app.createUser("counselor@example.org", "counselor")
	learner, err := app.store.UserByEmail(b.Context(), "bench@example.org")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.store.ShareWith(b.Context(), learner.ID, counselor.ShareCode); err != nil {
		b.Fatal(err)
	}
	c := app.client()
	app.login(c, "counselor@example.org")
	benchGet(b, app, "/counselor/learners/"+strconv.FormatInt(learner.ID, 10), sessionCookie+"="+app.cookieOf(c))
}

// BenchmarkGzipPage is what compressing one assessment section page
// costs, with a pooled compressor as compress uses one.
func BenchmarkGzipPage(b *testing.B) {
	app := newTestApp(b)
	resp, page := app.do(app.client(), "GET", "/assessment?section=1", nil)
	if resp.StatusCode != http.StatusOK || len(page) < 5000 {
		b.Fatalf("page: %d, %d bytes", resp.StatusCode, len(page))
	}
	var out bytes.Buffer
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		w := &gzipWriter{ResponseWriter: nil}
		w.gz = gzipWriters.Get().(*gzip.Writer)
		w.gz.Reset(&out)
		if _, err := w.gz.Write(page); err != nil {
			b.Fatal(err)
		}
		w.finish()
	}
	b.ReportMetric(float64(out.Len()), "gzipped-bytes")
}

// BenchmarkAssessmentPages is a logged-in learner's six section pages of
// the assessment, each rendered once per iteration (no draft yet).
func BenchmarkAssessmentPages(b *testing.B) {
	app := newTestApp(b)
	cookie, _ := benchLearner(b, app, 0)
	b.ReportAllocs()
	for b.Loop() {
		for n := 1; n <= 6; n++ {
			req := httptest.NewRequest("GET", "/assessment?section="+strconv.Itoa(n), nil)
			req.Header.Set("Cookie", cookie)
			rec := httptest.NewRecorder()
			app.router.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("section %d: %d", n, rec.Code)
			}
		}
	}
}
