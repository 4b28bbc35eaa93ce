package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/readiness/readiness/assessment"
)

// Config is one load run.
type Config struct {
	URL string // the server's base URL; must be loopback
	// MoreURLs are further instances sharing the server's database: learners
	// are spread over URL and these, each learner's submissions rotate over
	// them, and every learner is read back through another one.
	MoreURLs    []string
	Learners    int    // accounts registered
	Per         int    // assessments each learner submits
	Concurrency int    // clients submitting at once
	Seed        uint64 // answers are a function of the seed and the submission number
	Duration    time.Duration
	Timeout     time.Duration // per request
	PID         int           // the server's process id, for its peak RSS; 0 for none
	// Progress, when set, is updated as the run goes, for tests that act
	// in the middle of a run (kill the server, take a backup).
	Progress *Progress
}

// Progress counts submissions while they run.
type Progress struct {
	Started atomic.Int64 // submissions sent or about to be
	Acked   atomic.Int64 // 201s received

	mu      sync.Mutex
	waiting []ackWaiter
}

// ackWaiter is a channel to close once n submissions are acknowledged.
type ackWaiter struct {
	n    int64
	done chan struct{}
}

// ack counts one acknowledged submission and wakes whoever waits for it.
func (p *Progress) ack() {
	n := p.Acked.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.waiting[:0]
	for _, w := range p.waiting {
		if n >= w.n {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	p.waiting = kept
}

// AckedReaches returns a channel that is closed once n submissions are
// acknowledged, so a test can act in the middle of the load.
func (p *Progress) AckedReaches(n int64) <-chan struct{} {
	done := make(chan struct{})
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Acked.Load() >= n {
		close(done)
	} else {
		p.waiting = append(p.waiting, ackWaiter{n: n, done: done})
	}
	return done
}

// Summary is the outcome of a run. Lost, Unexpected and ServerErrors are the
// failures; UnknownOutcome requests (sent, no answer) are neither counted as
// lost nor allowed to explain more stored rows than there were of them.
type Summary struct {
	URL             string         `json:"url"`
	MoreURLs        []string       `json:"more_urls,omitempty"`
	Learners        int            `json:"learners"`
	PerLearner      int            `json:"per_learner"`
	Concurrency     int            `json:"concurrency"`
	Seed            uint64         `json:"seed"`
	RegisterSeconds float64        `json:"register_seconds"`
	Requests        int            `json:"requests"`
	Acknowledged    int            `json:"acknowledged"`
	Seconds         float64        `json:"seconds"`
	PerSecond       float64        `json:"per_second"`
	Latency         Latency        `json:"latency"`
	Status          map[string]int `json:"status"`
	ServerErrors    int            `json:"server_errors"`
	UnknownOutcome  int            `json:"unknown_outcome"`
	NotSent         int            `json:"not_sent"`
	Stored          int            `json:"stored"`
	Lost            int            `json:"lost"`
	Unexpected      int            `json:"unexpected"`
	// StoredUnacked are unknown-outcome requests that turned out committed.
	StoredUnacked int `json:"stored_unacknowledged"`
	// BadAcks are 201s without a readable id, or an id acknowledged twice.
	BadAcks   int   `json:"bad_acks"`
	Capped    bool  `json:"stopped_by_duration"`
	PeakRSSKB int64 `json:"peak_rss_kb,omitempty"`
}

// Problems lists what makes the run a failure, for the exit status.
func (s Summary) Problems() []string {
	var p []string
	if s.Lost > 0 {
		p = append(p, fmt.Sprintf("%d acknowledged assessments lost", s.Lost))
	}
	if s.ServerErrors > 0 {
		p = append(p, fmt.Sprintf("%d server errors (5xx)", s.ServerErrors))
	}
	if s.Unexpected > 0 {
		p = append(p, fmt.Sprintf("%d stored assessments nobody submitted successfully", s.Unexpected))
	}
	if s.BadAcks > 0 {
		p = append(p, fmt.Sprintf("%d bad acknowledgements", s.BadAcks))
	}
	return p
}

func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "registered %d learners in %.1fs\n", s.Learners, s.RegisterSeconds)
	fmt.Fprintf(&b, "submitted %d in %.1fs: %.1f/s; latency %s; status %s; lost %d; unexpected %d; unknown outcome %d",
		s.Requests, s.Seconds, s.PerSecond, s.Latency, fmtCounts(s.Status), s.Lost, s.Unexpected, s.UnknownOutcome)
	if s.StoredUnacked > 0 {
		fmt.Fprintf(&b, " (%d of them stored)", s.StoredUnacked)
	}
	if s.PeakRSSKB > 0 {
		fmt.Fprintf(&b, "; peak RSS %.0f MiB", float64(s.PeakRSSKB)/1024)
	}
	if s.Capped {
		fmt.Fprintf(&b, "\nstopped by --duration after %d of %d submissions", s.Requests, s.Learners*s.PerLearner)
	}
	return b.String()
}

// runLoad registers the learners, has the clients submit every learner's
// assessments, then reads each learner's assessments back and checks that
// every acknowledged one is stored and nothing else is.
func runLoad(ctx context.Context, cfg Config) (Summary, error) {
	bases, err := baseURLs(cfg)
	if err != nil {
		return Summary{}, err
	}
	p, err := defaultProfile()
	if err != nil {
		return Summary{}, err
	}
	var rss *rssSampler
	if cfg.PID > 0 {
		if rss, err = startRSS(cfg.PID); err != nil {
			return Summary{}, fmt.Errorf("--pid %d: %w", cfg.PID, err)
		}
	}
	defer func() { rss.Stop() }()
	cl := newClient(cfg.Concurrency, cfg.Timeout)
	defer cl.CloseIdleConnections()

	start := time.Now()
	learners, err := register(ctx, cl, bases, cfg.Learners, registerConcurrency(cfg.Concurrency), runTag())
	if err != nil {
		return Summary{}, err
	}
	regTime := time.Since(start)

	sub := submit(ctx, cl, bases, p, cfg, learners)
	// Verification runs even when ctx is done: a summary without it would
	// not say what was lost.
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	ver, err := verify(vctx, cl, bases, learners, sub.acked, sub.unknown, cfg.Concurrency)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{
		URL: bases[0].String(), MoreURLs: cfg.MoreURLs, Learners: cfg.Learners, PerLearner: cfg.Per, Concurrency: cfg.Concurrency, Seed: cfg.Seed,
		RegisterSeconds: regTime.Seconds(),
		Requests:        sub.tally.requests(), Acknowledged: sub.tally.status[http.StatusCreated],
		Seconds: sub.elapsed.Seconds(), Latency: latencyOf(sub.tally.latencies),
		Status: sub.tally.statusCounts(), ServerErrors: sub.tally.serverErrors(),
		UnknownOutcome: sub.tally.unknown, NotSent: sub.tally.notSent,
		Stored: ver.stored, Lost: ver.lost, Unexpected: ver.unexpected, StoredUnacked: ver.storedUnacked,
		BadAcks: sub.badAcks + ver.duplicates, Capped: sub.capped,
	}
	if s.Seconds > 0 {
		s.PerSecond = float64(s.Acknowledged) / s.Seconds
	}
	s.PeakRSSKB = rss.Stop()
	rss = nil
	return s, nil
}

func defaultProfile() (*assessment.Profile, error) {
	reg, err := assessment.Builtin()
	if err != nil {
		return nil, err
	}
	p, ok := reg.Lookup("ecommerce-manager")
	if !ok {
		return nil, fmt.Errorf("the ecommerce-manager profile is not built in")
	}
	return p, nil
}

// runTag makes this run's email addresses unique, so runs can repeat
// against the same database.
func runTag() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

// learner is a registered account and its session cookie.
type learner struct {
	Email, Password string
	Cookie          string // "name=value; …" as sent back
}

// registerConcurrency bounds parallel registrations by this machine's CPUs:
// each is a bcrypt hash on the server (here too: it is on loopback), and
// more at once than there are cores only makes each one slower.
func registerConcurrency(c int) int { return max(min(c, runtime.NumCPU()), 1) }

// baseURLs are cfg.URL and cfg.MoreURLs, each checked to be loopback.
func baseURLs(cfg Config) ([]*url.URL, error) {
	var bases []*url.URL
	for _, u := range append([]string{cfg.URL}, cfg.MoreURLs...) {
		b, err := checkLoopback(u)
		if err != nil {
			return nil, err
		}
		bases = append(bases, b)
	}
	return bases, nil
}

// register creates n learner accounts through the API, concurrency at a
// time (each costs the server a bcrypt hash), learner i on bases[i%len].
func register(ctx context.Context, cl *http.Client, bases []*url.URL, n, concurrency int, tag string) ([]learner, error) {
	learners := make([]learner, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, max(concurrency, 1))
	var wg sync.WaitGroup
	for i := range learners {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			l := learner{Email: fmt.Sprintf("load-%s-%d@example.com", tag, i), Password: fmt.Sprintf("load-password-%d", i)}
			body, _ := json.Marshal(map[string]string{"email": l.Email, "password": l.Password, "name": fmt.Sprintf("Load learner %d", i)})
			cookie, err := postForCookie(ctx, cl, join(bases[i%len(bases)], "/api/v1/auth/register"), body, http.StatusCreated)
			if err != nil {
				errs <- fmt.Errorf("register %s: %w", l.Email, err)
				return
			}
			l.Cookie = cookie
			learners[i] = l
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return learners, nil
}

// login logs a learner in again and returns the new session cookie.
func login(ctx context.Context, cl *http.Client, base *url.URL, l learner) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": l.Email, "password": l.Password})
	return postForCookie(ctx, cl, join(base, "/api/v1/auth/login"), body, http.StatusOK)
}

func postForCookie(ctx context.Context, cl *http.Client, u string, body []byte, want int) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var msg struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&msg)
	if resp.StatusCode != want {
		return "", fmt.Errorf("status %d, want %d: %s", resp.StatusCode, want, msg.Error)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("no session cookie in the response")
	}
	return strings.Join(parts, "; "), nil
}

// submitResult is what the submitting clients saw.
type submitResult struct {
	tally   *tally
	acked   [][]int64 // ids acknowledged, by learner
	unknown []int     // requests with an unknown outcome, by learner
	badAcks int
	elapsed time.Duration
	capped  bool
}

// submit has cfg.Concurrency clients post cfg.Per assessments for every
// learner, learners interleaved, each learner's rounds rotating over the
// instances (so a session made on one is used on the others). It stops
// handing out submissions when ctx is done or cfg.Duration has passed, and
// lets those already sent finish.
func submit(ctx context.Context, cl *http.Client, bases []*url.URL, p *assessment.Profile, cfg Config, learners []learner) submitResult {
	dctx := ctx
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	rctx := context.WithoutCancel(ctx) // requests end by their own timeout
	urls := make([]string, len(bases))
	for i, b := range bases {
		urls[i] = join(b, "/api/v1/assessments")
	}
	total := len(learners) * cfg.Per
	jobs := make(chan int)
	capped := false
	go func() {
		defer close(jobs)
		for k := range total {
			select {
			case jobs <- k:
			case <-dctx.Done():
				capped = true
				return
			}
		}
	}()

	type worker struct {
		t       *tally
		acked   [][]int64
		unknown []int
		bad     int
	}
	workers := make([]worker, max(cfg.Concurrency, 1))
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wk := &workers[w]
		wk.t, wk.acked, wk.unknown = newTally(), make([][]int64, len(learners)), make([]int, len(learners))
		wg.Go(func() {
			for k := range jobs {
				li := k % len(learners)
				body := bodyFor(p, cfg.Seed, k)
				if cfg.Progress != nil {
					cfg.Progress.Started.Add(1)
				}
				u := urls[(li+k/len(learners))%len(urls)]
				a := do(rctx, cl, http.MethodPost, u, body, learners[li].Cookie)
				wk.t.add(a)
				switch {
				case a.status == http.StatusCreated:
					id, ok := idOf(a.body)
					if !ok {
						wk.bad++
						continue
					}
					wk.acked[li] = append(wk.acked[li], id)
					if cfg.Progress != nil {
						cfg.Progress.ack()
					}
				case a.unknown():
					wk.unknown[li]++
				}
				if a.status == 0 {
					// The server is down or going down: do not spin.
					select {
					case <-time.After(20 * time.Millisecond):
					case <-dctx.Done():
					}
				}
			}
		})
	}
	wg.Wait()
	r := submitResult{tally: newTally(), acked: make([][]int64, len(learners)), unknown: make([]int, len(learners)), elapsed: time.Since(start)}
	for _, wk := range workers {
		r.tally.merge(wk.t)
		r.badAcks += wk.bad
		for li := range learners {
			r.acked[li] = append(r.acked[li], wk.acked[li]...)
			r.unknown[li] += wk.unknown[li]
		}
	}
	r.capped = capped
	return r
}

func idOf(body []byte) (int64, bool) {
	var v struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(body, &v) != nil || v.ID <= 0 {
		return 0, false
	}
	return v.ID, true
}
