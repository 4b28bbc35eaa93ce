package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// buildReadiness builds this command into dir.
func buildReadiness(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "readiness")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverEnv is this process's environment without the variables that
// configure Readiness, so the server sees only its flags.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "READINESS_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	return env
}

// servedAt is what `readiness serve` says on standard output: where the
// public listener and the metrics listener are.
var (
	runningAt = regexp.MustCompile(`Readiness is running at (http://\S+)`)
	metricsAt = regexp.MustCompile(`Metrics and profiles are at (http://\S+)/metrics`)
)

// The real server with --metrics-addr: /metrics and /debug/pprof/ answer on
// the metrics listener and 404 on the public one, and the counters move
// with the requests the public one answers, under their route templates.
func TestServe_MetricsListener(t *testing.T) {
	dir := t.TempDir()
	bin := buildReadiness(t, dir)
	cmd := exec.Command(bin, "serve", "--db", filepath.Join(dir, "r.db"), "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0")
	cmd.Env = serverEnv()
	var logs bytes.Buffer
	cmd.Stderr = &logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	urls := make(chan [2]string, 1)
	go func() {
		var app, metrics string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
				app = m[1]
			}
			if m := metricsAt.FindStringSubmatch(sc.Text()); m != nil {
				metrics = m[1]
			}
			if app != "" && metrics != "" {
				urls <- [2]string{app, metrics}
				app = ""
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	var app, metrics string
	select {
	case u := <-urls:
		app, metrics = u[0], u[1]
	case err := <-exited:
		t.Fatalf("serve exited before it was ready (%v): %s", err, logs.String())
	case <-time.After(time.Minute):
		t.Fatalf("serve did not say where it listens within a minute: %s", logs.String())
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	send := func(method, url, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	must := func(status, want int, body []byte, what string) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: %d, want %d: %.300s", what, status, want, body)
		}
	}
	answers, err := os.ReadFile("../../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	status, body := send("POST", app+"/api/v1/auth/register", `{"email":"ada@example.org","password":"correct horse battery","name":"Ada"}`)
	must(status, http.StatusCreated, body, "register")
	status, body = send("POST", app+"/api/v1/assessments", string(answers))
	must(status, http.StatusCreated, body, "submit")
	var stored struct{ ID int64 }
	if err := json.Unmarshal(body, &stored); err != nil {
		t.Fatal(err)
	}
	status, body = send("GET", app+"/api/v1/assessments/"+jsonInt(stored.ID), "")
	must(status, http.StatusOK, body, "read it back")
	for i := range 5 {
		status, body = send("POST", app+"/api/v1/auth/login", `{"email":"ada@example.org","password":"a wrong guess"}`)
		must(status, http.StatusUnauthorized, body, "wrong password "+jsonInt(int64(i+1)))
	}
	status, body = send("POST", app+"/api/v1/auth/login", `{"email":"ada@example.org","password":"a wrong guess"}`)
	must(status, http.StatusTooManyRequests, body, "a guess past the limit")
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/profile?seconds=1"} {
		status, body = send("GET", app+path, "")
		must(status, http.StatusNotFound, body, "public listener GET "+path)
	}

	status, body = send("GET", metrics+"/metrics", "")
	must(status, http.StatusOK, body, "GET /metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"readiness_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/auth/register", "code": "201"}, 1},
		{"readiness_http_requests_total", map[string]string{"method": "GET", "route": "/api/v1/assessments/:id", "code": "200"}, 1},
		{"readiness_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/auth/login", "code": "401"}, 5},
		{"readiness_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/auth/login", "code": "429"}, 1},
		{"readiness_http_requests_total", map[string]string{"method": "GET", "route": "unmatched", "code": "404"}, 3},
		{"readiness_http_request_duration_seconds", map[string]string{"method": "POST", "route": "/api/v1/assessments"}, 1},
		{"readiness_results_stored_total", map[string]string{"owner": "learner"}, 1},
		{"readiness_login_failures_total", nil, 5},
		{"readiness_throttled_attempts_total", map[string]string{"action": "login"}, 1},
		{"go_sql_max_open_connections", map[string]string{"db_name": "write"}, 1},
	} {
		got, ok := value(families[tc.name], tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (found %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
	}{
		{"go_sql_open_connections", map[string]string{"db_name": "read"}},
		{"go_sql_wait_count_total", map[string]string{"db_name": "write"}},
		{"go_sql_wait_duration_seconds_total", map[string]string{"db_name": "read"}},
		{"go_goroutines", nil},
		{"go_memstats_heap_alloc_bytes", nil},
		{"process_cpu_seconds_total", nil},
		{"process_resident_memory_bytes", nil},
	} {
		if _, ok := value(families[tc.name], tc.labels); !ok {
			t.Errorf("/metrics has no %s%v", tc.name, tc.labels)
		}
	}

	// A CPU profile through the metrics listener, as docs/OPERATIONS.md shows.
	status, body = send("GET", metrics+"/debug/pprof/profile?seconds=1", "")
	must(status, http.StatusOK, body, "CPU profile")
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Fatalf("CPU profile is not a gzipped profile: %.40q", body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve did not stop within a minute of SIGTERM: %s", logs.String())
	}
}

// value is the value of the series with exactly these labels: a counter's
// or gauge's value, a histogram's count.
func value(f *dto.MetricFamily, labels map[string]string) (float64, bool) {
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func jsonInt(n int64) string { return strconv.FormatInt(n, 10) }
