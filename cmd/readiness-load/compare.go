package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Side is one endpoint's share of a timed phase.
type Side struct {
	Name         string         `json:"name"`
	URL          string         `json:"url"`
	Requests     int            `json:"requests"`
	OK           int            `json:"ok"` // answered with the expected status
	Seconds      float64        `json:"seconds"`
	PerSecond    float64        `json:"per_second"`
	Latency      Latency        `json:"latency"`
	Status       map[string]int `json:"status"`
	ServerErrors int            `json:"server_errors"`
}

func (s Side) String() string {
	return fmt.Sprintf("%s: %d in %.1fs: %.1f/s; latency %s; status %s", s.Name, s.Requests, s.Seconds, s.PerSecond, s.Latency, fmtCounts(s.Status))
}

// target is an endpoint a timed phase posts to.
type target struct {
	name    string
	url     string
	want    int
	cookies []string // one per learner, shared round robin by the clients
	bodies  [][]byte
}

// hammer has concurrency clients post to t back to back for d.
func hammer(ctx context.Context, cl *http.Client, t target, concurrency int, d time.Duration) (*tally, time.Duration) {
	dctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rctx := context.WithoutCancel(ctx)
	tallies := make([]*tally, concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range concurrency {
		tallies[w] = newTally()
		wg.Go(func() {
			cookie := ""
			if len(t.cookies) > 0 {
				cookie = t.cookies[w%len(t.cookies)]
			}
			for i := 0; dctx.Err() == nil; i++ {
				a := do(rctx, cl, http.MethodPost, t.url, t.bodies[(w+i*concurrency)%len(t.bodies)], cookie)
				tallies[w].add(a)
				if a.status == 0 {
					select {
					case <-time.After(20 * time.Millisecond):
					case <-dctx.Done():
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := newTally()
	for _, t := range tallies {
		all.merge(t)
	}
	return all, elapsed
}

func sideOf(t target, tl *tally, elapsed time.Duration) Side {
	s := Side{
		Name: t.name, URL: t.url, Requests: tl.requests(), OK: tl.status[t.want], Seconds: elapsed.Seconds(),
		Latency: latencyOf(tl.latencies), Status: tl.statusCounts(), ServerErrors: tl.serverErrors(),
	}
	if s.Seconds > 0 {
		s.PerSecond = float64(s.OK) / s.Seconds
	}
	return s
}

// Comparison is our submit path against the ceiling's, round by round.
type Comparison struct {
	Concurrency int       `json:"concurrency"`
	Rounds      [][2]Side `json:"rounds"` // ours, ceiling
	Ours        Side      `json:"ours"`
	Ceiling     Side      `json:"ceiling"`
	// Ratio is our throughput over the ceiling's.
	Ratio float64 `json:"ratio"`
}

func (c Comparison) String() string {
	var b strings.Builder
	for i, r := range c.Rounds {
		fmt.Fprintf(&b, "round %d: ours %.1f/s p50 %s p99 %s | ceiling %.1f/s p50 %s p99 %s\n", i+1,
			r[0].PerSecond, fmtMS(r[0].Latency.P50), fmtMS(r[0].Latency.P99),
			r[1].PerSecond, fmtMS(r[1].Latency.P50), fmtMS(r[1].Latency.P99))
	}
	fmt.Fprintf(&b, "%s\n%s\n", c.Ours, c.Ceiling)
	fmt.Fprintf(&b, "ratio ours/ceiling: %.2f (throughput at %d concurrent clients)", c.Ratio, c.Concurrency)
	return b.String()
}

func (c Comparison) Problems() []string {
	return append(c.Ours.Problems(), c.Ceiling.Problems()...)
}

// compareCeiling posts one fixed valid body to our POST /api/v1/assessments
// and to the ceiling's POST /submit with the same clients for the same
// time, alternating which goes first each round so drift (page cache, WAL
// growth, CPU frequency) falls on both.
func compareCeiling(ctx context.Context, cfg Config, ceilingURL string, rounds int) (Comparison, error) {
	base, err := checkLoopback(cfg.URL)
	if err != nil {
		return Comparison{}, err
	}
	cbase, err := checkLoopback(ceilingURL)
	if err != nil {
		return Comparison{}, fmt.Errorf("--compare-ceiling: %w", err)
	}
	p, err := defaultProfile()
	if err != nil {
		return Comparison{}, err
	}
	cl := newClient(cfg.Concurrency, cfg.Timeout)
	defer cl.CloseIdleConnections()
	learners, err := register(ctx, cl, []*url.URL{base}, max(min(cfg.Learners, cfg.Concurrency), 1), registerConcurrency(cfg.Concurrency), runTag())
	if err != nil {
		return Comparison{}, err
	}
	cookies := make([]string, len(learners))
	for i, l := range learners {
		cookies[i] = l.Cookie
	}
	body := [][]byte{bodyFor(p, cfg.Seed, 0)}
	ours := target{name: "ours", url: join(base, "/api/v1/assessments"), want: http.StatusCreated, cookies: cookies, bodies: body}
	ceiling := target{name: "ceiling", url: join(cbase, "/submit"), want: http.StatusCreated, bodies: body}

	// Warm both up: connections open, pages cached, code paths hot.
	warm := min(time.Second, cfg.Duration/5)
	hammer(ctx, cl, ours, cfg.Concurrency, warm)
	hammer(ctx, cl, ceiling, cfg.Concurrency, warm)

	c := Comparison{Concurrency: cfg.Concurrency}
	all := [2]*tally{newTally(), newTally()}
	var spent [2]time.Duration
	for r := range rounds {
		if ctx.Err() != nil {
			break
		}
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		var round [2]Side
		for _, i := range order {
			t := []target{ours, ceiling}[i]
			tl, el := hammer(ctx, cl, t, cfg.Concurrency, cfg.Duration)
			round[i] = sideOf(t, tl, el)
			all[i].merge(tl)
			spent[i] += el
		}
		c.Rounds = append(c.Rounds, round)
	}
	c.Ours, c.Ceiling = sideOf(ours, all[0], spent[0]), sideOf(ceiling, all[1], spent[1])
	if c.Ceiling.PerSecond > 0 {
		c.Ratio = c.Ours.PerSecond / c.Ceiling.PerSecond
	}
	return c, nil
}

// scoreOnly posts varied valid answers to POST /api/v1/score, which scores
// and stores nothing, for cfg.Duration.
func scoreOnly(ctx context.Context, cfg Config) (Side, error) {
	base, err := checkLoopback(cfg.URL)
	if err != nil {
		return Side{}, err
	}
	p, err := defaultProfile()
	if err != nil {
		return Side{}, err
	}
	bodies := make([][]byte, 512)
	for k := range bodies {
		bodies[k] = bodyFor(p, cfg.Seed, k)
	}
	cl := newClient(cfg.Concurrency, cfg.Timeout)
	defer cl.CloseIdleConnections()
	t := target{name: "score", url: join(base, "/api/v1/score"), want: http.StatusOK, bodies: bodies}
	tl, el := hammer(ctx, cl, t, cfg.Concurrency, cfg.Duration)
	return sideOf(t, tl, el), nil
}

// Problems of a score-only run: any 5xx, or nothing scored.
func (s Side) Problems() []string {
	var p []string
	if s.ServerErrors > 0 {
		p = append(p, fmt.Sprintf("%s: %d server errors (5xx)", s.Name, s.ServerErrors))
	}
	if s.OK == 0 {
		p = append(p, fmt.Sprintf("%s: no request succeeded", s.Name))
	}
	return p
}
