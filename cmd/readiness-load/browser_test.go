package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func TestBrowser_WalksTheRealPagesToTheirResults(t *testing.T) {
	srv := newAppServer(t)
	// The server runs in this process, so its CPU and RSS are ours.
	run, err := browserRun(context.Background(), Config{URL: srv.URL, Concurrency: 3, Seed: 4, Duration: 500 * time.Millisecond, Timeout: 10 * time.Second, PID: os.Getpid()}, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	b := run.Browser
	if b.Respondents == 0 || b.Failed != 0 || len(run.Problems()) > 0 {
		t.Fatalf("run = %+v, problems %v", b, run.Problems())
	}
	// The page, its stylesheet and icon, six sections posted and each
	// redirect followed (five sections and the result).
	if b.Requests != 15*b.Respondents || b.RequestsPer() != 15 {
		t.Errorf("%d requests for %d respondents, want 15 each", b.Requests, b.Respondents)
	}
	if b.Status["303"] != 6*b.Respondents || b.Status["200"] != 9*b.Respondents {
		t.Errorf("status = %v for %d respondents, want 6 redirects and 9 pages each", b.Status, b.Respondents)
	}
	if b.BytesInPer() < 10_000 || b.BytesOutPer() < 1_000 || b.Latency.P50 <= 0 || b.Latency.P99 < b.Latency.P50 || b.PerSecond <= 0 ||
		b.ServerCPU <= 0 || b.CPUPer() <= 0 || run.PeakRSSKB <= 0 {
		t.Errorf("figures missing: %+v", b)
	}
	if s := run.String(); !strings.Contains(s, "15.0 requests") || !strings.Contains(s, "failed 0") {
		t.Errorf("text = %q", s)
	}
}

func TestBrowser_ComparesWithTheCeiling(t *testing.T) {
	srv := newAppServer(t)
	ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1,"overall":50}`)
	}))
	defer ceiling.Close()
	run, err := browserRun(context.Background(), Config{URL: srv.URL, Concurrency: 2, Seed: 1, Duration: 300 * time.Millisecond, Timeout: 10 * time.Second}, ceiling.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Rounds) != 2 || run.Ceiling == nil || run.Ceiling.OK == 0 || run.Browser.Respondents == 0 || run.Ratio <= 0 {
		t.Fatalf("run = %+v", run)
	}
	n := 0
	for _, r := range run.Rounds {
		n += r.Browser.Respondents
	}
	if n != run.Browser.Respondents || len(run.Browser.samples) != n {
		t.Errorf("rounds have %d respondents, the whole %d with %d latencies", n, run.Browser.Respondents, len(run.Browser.samples))
	}
	if want := run.Browser.PerSecond / run.Ceiling.PerSecond; run.Ratio != want {
		t.Errorf("ratio %v, want %v", run.Ratio, want)
	}
	if !strings.Contains(run.String(), "ratio respondents/ceiling inserts") {
		t.Errorf("text = %q", run.String())
	}
}

// A site whose pages do not behave: the walk says what went wrong, and the
// run counts it as a failure.
func TestBrowser_ReportsWhatWentWrong(t *testing.T) {
	const form = `<!doctype html><html><head><link rel="stylesheet" href="/s.css"><link rel="icon" href="/i.svg"></head><body>
<form method="post" action="/assessment"><input type="hidden" name="section" value="1">
%s
<button type="submit" name="action" value="next">Next</button><button type="submit" name="action" value="back">Back</button></form></body></html>`
	for _, tt := range []struct {
		name, options, kind string
		post                int
	}{
		{"an answer the form does not offer", `<input type="radio" name="edu.continuing" value="never">`, "answer not offered", 303},
		{"a section refused", ``, "status 500 on POST /assessment", 500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/assessment" && r.Method == http.MethodGet:
					fmt.Fprintf(w, form, tt.options)
				case r.URL.Path == "/assessment":
					if err := r.ParseForm(); err != nil || r.PostForm.Get("action") != "next" || r.PostForm.Get("section") != "1" ||
						r.Header.Get("Origin") == "" || r.Header.Get("Sec-Fetch-Site") != "same-origin" {
						http.Error(w, "not as a browser sends it", http.StatusBadRequest)
						return
					}
					if tt.post == 303 {
						http.Redirect(w, r, "/assessment?section=2", http.StatusSeeOther)
						return
					}
					http.Error(w, "boom", tt.post)
				default:
					fmt.Fprint(w, "asset")
				}
			}))
			defer srv.Close()
			run, err := browserRun(context.Background(), Config{URL: srv.URL, Concurrency: 1, Seed: 1, Duration: 100 * time.Millisecond, Timeout: 5 * time.Second}, "", 1)
			if err != nil {
				t.Fatal(err)
			}
			if run.Browser.Respondents != 0 || run.Browser.Failed == 0 || run.Browser.Failures[tt.kind] != run.Browser.Failed {
				t.Fatalf("browser = %+v, want every walk failed with %q", run.Browser, tt.kind)
			}
			if p := run.Problems(); len(p) == 0 || !strings.Contains(strings.Join(p, "; "), tt.kind) {
				t.Errorf("problems %v do not name %q", p, tt.kind)
			}
		})
	}
}

func TestParsePage_FindsTheSectionFormAndLinks(t *testing.T) {
	pg, err := parsePage([]byte(`<html><head><link rel="stylesheet" href="/static/app.css"><link rel=icon href="/static/favicon.svg"></head><body>
<form method="post" action="/logout"><input type="hidden" name="x" value="y"><button>Log out</button></form>
<form method="POST" action="/assessment"><input type="hidden" name="section" value="2">
<input type="radio" name="mkt.years" value="0"><input type="radio" name="mkt.years" value="1-2">
<input type="checkbox" name="mgt.models" value="b2b"><input type="checkbox" name="mgt.models" value="none">
<button type="submit" name="action" value="next">Next</button><button type="submit" name="action" value="back">Back</button></form>
<form method="post" action="/assessment/restart"><button type="submit">Clear</button></form></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if pg.stylesheet != "/static/app.css" || pg.icon != "/static/favicon.svg" {
		t.Errorf("links %q %q", pg.stylesheet, pg.icon)
	}
	f := pg.form
	if f == nil || f.action != "/assessment" || f.hidden.Get("section") != "2" || f.hidden.Get("x") != "" {
		t.Fatalf("form = %+v", f)
	}
	if got := fmt.Sprint(f.offered); got != "map[mgt.models:[b2b none] mkt.years:[0 1-2]]" {
		t.Errorf("offered = %s", got)
	}
	if f.button != [2]string{"action", "next"} {
		t.Errorf("button = %v, want the first (forward) one", f.button)
	}
}

func TestCPUTime_OwnProcessGrows(t *testing.T) {
	before, err := cpuTime(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// Work until the kernel has counted another tick (or give up).
	after, x := before, 0
	for start := time.Now(); after == before && time.Since(start) < 30*time.Second; after, err = cpuTime(os.Getpid()) {
		for i := range 1_000_000 {
			x += i
		}
	}
	if err != nil || after <= before || x == 0 {
		t.Errorf("CPU time %v, then %v (%v)", before, after, err)
	}
	if _, err := cpuTime(1 << 30); err == nil {
		t.Error("a missing pid was accepted")
	}
}
