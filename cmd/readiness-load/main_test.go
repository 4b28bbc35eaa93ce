package main

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.9.8.7", true},
		{"http://localhost:8080/", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8080", true},
		{"https://127.0.0.1", true},
		{"http://10.0.0.1:8080", false},
		{"http://[::2]:8080", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
		{"http://0.0.0.0:8080", false},
	}
	for _, tt := range tests {
		if _, err := checkLoopback(tt.url); (err == nil) != tt.ok {
			t.Errorf("checkLoopback(%q) err = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		check   func(options) bool
	}{
		{"defaults", nil, false, func(o options) bool {
			return o.cfg.Learners == 20 && o.cfg.Per == 10 && o.cfg.Concurrency == 8 && o.cfg.Duration == 2*time.Minute && o.cfg.Timeout == 10*time.Second
		}},
		{"all flags", []string{"--url", "http://[::1]:9", "--learners", "200", "--per", "20", "--concurrency", "32", "--pid", "42", "--seed", "9", "--json", "--duration", "30s", "--timeout", "2s"}, false, func(o options) bool {
			return o.cfg.URL == "http://[::1]:9" && o.cfg.Learners == 200 && o.cfg.Per == 20 && o.cfg.Concurrency == 32 && o.cfg.PID == 42 && o.cfg.Seed == 9 && o.json && o.cfg.Duration == 30*time.Second && o.cfg.Timeout == 2*time.Second
		}},
		{"several urls", []string{"--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2", "--url", "http://localhost:3"}, false, func(o options) bool {
			return o.cfg.URL == "http://127.0.0.1:1" && len(o.cfg.MoreURLs) == 2 && o.cfg.MoreURLs[1] == "http://localhost:3"
		}},
		{"one remote among several", []string{"--url", "http://127.0.0.1:1", "--url", "http://203.0.113.5"}, true, nil},
		{"several urls with score-only", []string{"--score-only", "--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2"}, true, nil},
		{"compare defaults to 5s sides", []string{"--compare-ceiling", "http://127.0.0.1:18090"}, false, func(o options) bool { return o.cfg.Duration == 5*time.Second && o.rounds == 3 }},
		{"score-only keeps a given duration", []string{"--score-only", "--duration", "9s"}, false, func(o options) bool { return o.scoreOnly && o.cfg.Duration == 9*time.Second }},
		{"browser defaults to 5s", []string{"--browser"}, false, func(o options) bool { return o.browser && o.cfg.Duration == 5*time.Second }},
		{"browser against the ceiling", []string{"--browser", "--compare-ceiling", "http://127.0.0.1:1", "--rounds", "4"}, false, func(o options) bool {
			return o.browser && o.ceiling != "" && o.rounds == 4
		}},
		{"browser and score-only", []string{"--browser", "--score-only"}, true, nil},
		{"browser on several urls", []string{"--browser", "--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2"}, true, nil},
		{"remote url", []string{"--url", "http://203.0.113.5"}, true, nil},
		{"remote ceiling", []string{"--compare-ceiling", "http://203.0.113.5"}, true, nil},
		{"both modes", []string{"--compare-ceiling", "http://127.0.0.1:1", "--score-only"}, true, nil},
		{"no learners", []string{"--learners", "0"}, true, nil},
		{"zero concurrency", []string{"--concurrency", "0"}, true, nil},
		{"zero duration", []string{"--duration", "0s"}, true, nil},
		{"stray argument", []string{"extra"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(o) {
				t.Errorf("options = %+v", o)
			}
		})
	}
}

func TestRandomAnswers_AlwaysValidAndVaried(t *testing.T) {
	p, err := defaultProfile()
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]bool{}
	for k := range 2000 {
		body := bodyFor(p, 1, k)
		var sub struct {
			Profile string          `json:"profile"`
			Answers json.RawMessage `json:"answers"`
		}
		if err := json.Unmarshal(body, &sub); err != nil {
			t.Fatal(err)
		}
		if _, problems, err := p.ParseJSON(sub.Answers); err != nil || len(problems) > 0 || sub.Profile != p.ID {
			t.Fatalf("body %d is invalid: %v %v\n%s", k, problems, err, body)
		}
		bodies[string(body)] = true
	}
	if len(bodies) < 1990 {
		t.Errorf("only %d distinct bodies of 2000", len(bodies))
	}
	if first, again := bodyFor(p, 5, 17), bodyFor(p, 5, 17); string(first) != string(again) {
		t.Error("the same seed and number gave different bodies")
	}
	// The exclusive "none" and hidden edu.field both come up.
	sawNone, sawHidden := false, false
	for k := range 200 {
		a := randomAnswers(p, rand.New(rand.NewPCG(2, uint64(k))))
		sawNone = sawNone || a["mgt.models"].Selects("none")
		_, shown := a["edu.field"]
		sawHidden = sawHidden || !shown
	}
	if !sawNone || !sawHidden {
		t.Errorf("saw exclusive none %v, hidden edu.field %v", sawNone, sawHidden)
	}
}

func TestPercentile_NearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := latencyOf(ds)
	if l.P50 != 50 || l.P95 != 95 || l.P99 != 99 || l.Max != 100 {
		t.Errorf("latency = %+v", l)
	}
	if l := latencyOf([]time.Duration{3 * time.Millisecond}); l.P50 != 3 || l.P99 != 3 {
		t.Errorf("one sample: %+v", l)
	}
	if l := latencyOf(nil); l != (Latency{}) {
		t.Errorf("no samples: %+v", l)
	}
}

func TestReadRSS_OwnProcess(t *testing.T) {
	kb, err := readRSS(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if kb <= 0 {
		t.Errorf("RSS = %d kB", kb)
	}
	s, err := startRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// The sampler reads once as it starts and once more as it stops.
	if peak := s.Stop(); peak < kb/2 {
		t.Errorf("peak %d kB, current %d kB", peak, kb)
	}
	if _, err := startRSS(1 << 30); err == nil {
		t.Error("a missing pid was accepted")
	}
}
