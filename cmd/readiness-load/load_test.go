package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web"
)

// newAppServer serves the real router over a temp SQLite file, with a cheap
// bcrypt cost so registration is quick.
func newAppServer(t *testing.T) *httptest.Server {
	t.Helper()
	store, err := db.Open(filepath.Join(t.TempDir(), "readiness.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, err := web.NewRouter(web.Deps{Store: store, Profiles: profiles, Now: time.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Config: web.Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(func() { srv.Close(); store.Close() })
	return srv
}

func TestRunLoad_RealRouterLosesNothing(t *testing.T) {
	srv := newAppServer(t)
	s, err := runLoad(context.Background(), Config{URL: srv.URL, Learners: 4, Per: 15, Concurrency: 4, Seed: 7, Duration: time.Minute, Timeout: 10 * time.Second, PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	if s.Requests != 60 || s.Acknowledged != 60 || s.Stored != 60 || s.Lost != 0 || s.Unexpected != 0 || s.Capped {
		t.Errorf("summary = %+v, want 60 requests acknowledged and stored", s)
	}
	if p := s.Problems(); len(p) > 0 {
		t.Errorf("problems: %v", p)
	}
	if s.PeakRSSKB <= 0 || s.Latency.P50 <= 0 || s.Latency.P99 < s.Latency.P50 || s.PerSecond <= 0 {
		t.Errorf("figures missing: %+v", s)
	}
	if !strings.Contains(s.String(), "status 201: 60; lost 0; unexpected 0") {
		t.Errorf("text summary = %q", s.String())
	}
}

func TestRunLoad_DurationCapsTheRun(t *testing.T) {
	srv := newAppServer(t)
	s, err := runLoad(context.Background(), Config{URL: srv.URL, Learners: 2, Per: 100000, Concurrency: 2, Seed: 1, Duration: 300 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Capped || s.Requests == 0 || s.Requests >= 200000 {
		t.Errorf("summary = %+v, want a run stopped by --duration", s)
	}
	if s.Lost != 0 || s.Unexpected != 0 || s.Stored != s.Acknowledged {
		t.Errorf("stopping early must not lose anything: %+v", s)
	}
}

// fakeServer is a Readiness API stand-in that misbehaves on purpose, so the
// checks are seen to catch what they are for.
type fakeServer struct {
	mu       sync.Mutex
	nextID   int64
	stored   map[string][]int64 // by session cookie value
	n        int
	loseNth  int // acknowledge, but do not store, every loseNth submission
	ghostNth int // store, but answer 422, every ghostNth submission
	failNth  int // answer 500 (storing nothing) every failNth submission
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stored == nil {
		f.stored = map[string][]int64{}
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/auth/register":
		var reg struct{ Email string }
		_ = json.NewDecoder(r.Body).Decode(&reg)
		http.SetCookie(w, &http.Cookie{Name: "s", Value: strings.ReplaceAll(reg.Email, "@", "_")})
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{}`)
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/assessments":
		c, _ := r.Cookie("s")
		f.n++
		f.nextID++
		switch {
		case f.failNth > 0 && f.n%f.failNth == 0:
			w.WriteHeader(http.StatusInternalServerError)
			return
		case f.ghostNth > 0 && f.n%f.ghostNth == 0:
			f.stored[c.Value] = append(f.stored[c.Value], f.nextID)
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		case !(f.loseNth > 0 && f.n%f.loseNth == 0):
			f.stored[c.Value] = append(f.stored[c.Value], f.nextID)
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%d}`, f.nextID)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/assessments":
		c, _ := r.Cookie("s")
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		ids := f.stored[c.Value]
		var b bytes.Buffer
		b.WriteString(`{"assessments":[`)
		for i := (page - 1) * limit; i < min(page*limit, len(ids)); i++ {
			if i > (page-1)*limit {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d}`, ids[i])
		}
		b.WriteString(`]}`)
		w.Write(b.Bytes())
	default:
		http.NotFound(w, r)
	}
}

func TestRunLoad_CatchesMisbehaviour(t *testing.T) {
	tests := []struct {
		name   string
		fake   *fakeServer
		check  func(Summary) bool
		reason string
	}{
		{"lost writes", &fakeServer{loseNth: 7}, func(s Summary) bool { return s.Lost == 42 }, "lost"},
		{"stored without acknowledgement", &fakeServer{ghostNth: 10}, func(s Summary) bool { return s.Unexpected == 30 }, "nobody submitted"},
		{"server errors", &fakeServer{failNth: 50}, func(s Summary) bool { return s.ServerErrors == 6 }, "5xx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.fake)
			defer srv.Close()
			// 3 learners × 100: paging past the first 100 is exercised too.
			s, err := runLoad(context.Background(), Config{URL: srv.URL, Learners: 3, Per: 100, Concurrency: 3, Seed: 1, Duration: time.Minute, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("summary = %+v", s)
			}
			if p := strings.Join(s.Problems(), "; "); !strings.Contains(p, tt.reason) {
				t.Errorf("problems = %q, want one about %q", p, tt.reason)
			}
		})
	}
}

func TestRun_ExitStatus(t *testing.T) {
	good := newAppServer(t)
	lossy := httptest.NewServer(&fakeServer{loseNth: 3})
	defer lossy.Close()
	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"clean run", []string{"--url", good.URL, "--learners", "2", "--per", "3", "--concurrency", "2"}, 0, "lost 0"},
		{"json", []string{"--url", good.URL, "--learners", "1", "--per", "2", "--json"}, 0, `"lost": 0`},
		{"lost writes", []string{"--url", lossy.URL, "--learners", "2", "--per", "3"}, 1, "lost 2"},
		{"not loopback", []string{"--url", "http://192.0.2.1:8080"}, 2, ""},
		{"bad flag", []string{"--per", "0"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := run(tt.args, &out, &errOut); got != tt.want {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", got, tt.want, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.out)
			}
		})
	}
}

func TestScoreOnly_ScoresWithoutStoring(t *testing.T) {
	srv := newAppServer(t)
	s, err := scoreOnly(context.Background(), Config{URL: srv.URL, Concurrency: 2, Seed: 3, Duration: 300 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if s.OK == 0 || s.OK != s.Requests || len(s.Problems()) > 0 {
		t.Errorf("score-only = %+v, want every request answered 200", s)
	}
}

func TestCompareCeiling_ReportsBothSidesAndRatio(t *testing.T) {
	srv := newAppServer(t)
	ceiling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/submit" {
			http.NotFound(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":1,"overall":50}`)
	}))
	defer ceiling.Close()
	c, err := compareCeiling(context.Background(), Config{URL: srv.URL, Learners: 2, Concurrency: 2, Seed: 1, Duration: 200 * time.Millisecond, Timeout: 5 * time.Second}, ceiling.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rounds) != 2 || c.Ours.OK == 0 || c.Ceiling.OK == 0 || c.Ratio <= 0 || len(c.Problems()) > 0 {
		t.Errorf("comparison = %+v", c)
	}
	if !strings.Contains(c.String(), "ratio ours/ceiling") {
		t.Errorf("text = %q", c.String())
	}
	if _, err := compareCeiling(context.Background(), Config{URL: srv.URL, Concurrency: 1, Duration: time.Millisecond, Timeout: time.Second}, "http://198.51.100.7/", 1); err == nil {
		t.Error("a non-loopback ceiling was accepted")
	}
}

// Two front ends on one store stand in for two instances on one database:
// learners are spread over both, every learner's submissions go through
// both, and the loss check reads through both.
func TestRunLoad_SpreadsOverSeveralURLsAndChecksThemAll(t *testing.T) {
	for _, tt := range []struct {
		name string
		fake *fakeServer
		lost int
	}{
		{"clean", &fakeServer{}, 0},
		{"one write in 7 lost", &fakeServer{loseNth: 7}, 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hits [2]atomic.Int64
			var srvs [2]*httptest.Server
			for i := range srvs {
				srvs[i] = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits[i].Add(1)
					tt.fake.ServeHTTP(w, r)
				}))
				defer srvs[i].Close()
			}
			s, err := runLoad(context.Background(), Config{URL: srvs[0].URL, MoreURLs: []string{srvs[1].URL}, Learners: 4, Per: 14, Concurrency: 4, Seed: 1, Duration: time.Minute, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if s.Requests != 56 || s.Lost != tt.lost || s.Stored != 56-tt.lost {
				t.Errorf("summary = %+v, want 56 requests, %d lost", s, tt.lost)
			}
			// 4 registrations + 56 submissions + 4 read-backs, half on each.
			if a, b := hits[0].Load(), hits[1].Load(); a != 32 || b != 32 {
				t.Errorf("requests per instance: %d and %d, want 32 each", a, b)
			}
		})
	}
}
