package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"

	"github.com/readiness/readiness/assessment"
)

// The browser mode walks the assessment as a person does in a browser
// without JavaScript: it loads /assessment, the stylesheet and the icon the
// page links to, fills in and posts the form of each section it is served,
// follows each redirect, and loads the result page at the end. Each walk is
// a new visitor with its own cookies. Nothing is taken from the server's
// code: the walker knows only the profile (to choose valid answers) and
// what the pages say (form fields, their options, the buttons, the links).

// maxSteps bounds a walk's form posts, so a page that keeps sending the
// walker back (a refused section) ends the walk instead of looping.
const maxSteps = 20

// wireCounter counts the bytes a transport's connections read and write.
type wireCounter struct{ in, out atomic.Int64 }

type countingConn struct {
	net.Conn
	c *wireCounter
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.c.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.c.out.Add(int64(n))
	return n, err
}

// newBrowserClient is a client whose connections count their bytes. Like a
// browser it asks for gzip (browserGet and browserPost set the header and
// unpack the body themselves, so the counts are what crossed the wire); it
// follows no redirect by itself, and keeps no cookies: each walk has its
// own jar.
func newBrowserClient(concurrency int, timeout time.Duration) (*http.Client, *wireCounter) {
	wc := &wireCounter{}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countingConn{conn, wc}, nil
		},
		MaxIdleConns:          2 * concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, wc
}

// walk is one visitor's way through the assessment.
type walk struct {
	cl      *http.Client
	base    *url.URL
	jar     http.CookieJar
	ctx     context.Context
	tally   *tally // every request of the walk
	answers assessment.Answers
	p       *assessment.Profile
}

// page is what a walk took from an HTML page.
type page struct {
	form       *htmlForm
	stylesheet string
	icon       string
}

// htmlForm is the assessment's section form as the page serves it.
type htmlForm struct {
	action  string
	hidden  url.Values
	offered map[string][]string // radio and checkbox names → the values offered
	button  [2]string           // the first submit button: name, value
}

// walkError is why a walk failed; kind groups failures in the summary
// ("status 500 on POST /assessment"), the error says all.
type walkError struct {
	kind string
	err  error
}

func (e *walkError) Error() string { return e.err.Error() }

func failed(kind string, format string, args ...any) error {
	return &walkError{kind: kind, err: fmt.Errorf(format, args...)}
}

// failureKind is the group a failed walk's error belongs to.
func failureKind(err error) string {
	var we *walkError
	if errors.As(err, &we) {
		return we.kind
	}
	return "other"
}

// walkOutcome is one finished (or failed) walk.
type walkOutcome struct {
	err     error
	latency time.Duration
	result  string // the result page's path
}

// respond walks from /assessment to the result page.
func (w *walk) respond() walkOutcome {
	start := time.Now()
	body, _, err := w.get("/assessment", false)
	if err != nil {
		return walkOutcome{err: err}
	}
	pg, err := parsePage(body)
	if err != nil {
		return walkOutcome{err: failed("unreadable page", "/assessment: %w", err)}
	}
	for _, asset := range []string{pg.stylesheet, pg.icon} {
		if asset == "" {
			return walkOutcome{err: failed("no stylesheet or icon", "/assessment links no stylesheet or no icon")}
		}
		if _, _, err := w.get(asset, true); err != nil {
			return walkOutcome{err: err}
		}
	}
	for range maxSteps {
		if pg.form == nil {
			return walkOutcome{err: failed("no section form", "the assessment page has no section form")}
		}
		to, err := w.post(pg.form)
		if err != nil {
			return walkOutcome{err: err}
		}
		body, path, err := w.get(to, true)
		if err != nil {
			return walkOutcome{err: err}
		}
		if strings.HasPrefix(path, "/results/") {
			return walkOutcome{latency: time.Since(start), result: path}
		}
		if pg, err = parsePage(body); err != nil {
			return walkOutcome{err: failed("unreadable page", "%s: %w", path, err)}
		}
	}
	return walkOutcome{err: failed("no result", "no result after %d sections", maxSteps)}
}

// fill is the form with the walk's answers to the questions it asks, as a
// browser would send it: hidden fields, the chosen radios and checkboxes,
// and the first submit button.
func (w *walk) fill(f *htmlForm) (url.Values, error) {
	v := url.Values{}
	for k, vs := range f.hidden {
		v[k] = append([]string(nil), vs...)
	}
	for name, offered := range f.offered {
		q, ok := w.p.Question(name)
		if !ok {
			continue // not a question: nothing chosen
		}
		a, ok := w.answers[q.ID]
		if !ok {
			continue // hidden by an earlier answer: left blank
		}
		for _, k := range a.Keys() {
			if !slices.Contains(offered, k) {
				return nil, failed("answer not offered", "the form offers no %q for %s (offers %v)", k, name, offered)
			}
			v.Add(name, k)
		}
	}
	if f.button[0] != "" {
		v.Set(f.button[0], f.button[1])
	}
	return v, nil
}

// post sends the filled form and returns where the 303 leads.
func (w *walk) post(f *htmlForm) (string, error) {
	values, err := w.fill(f)
	if err != nil {
		return "", err
	}
	u, err := w.base.Parse(f.action)
	if err != nil {
		return "", failed("bad form action", "form action %q: %w", f.action, err)
	}
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, u.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", strings.TrimSuffix(w.base.String(), "/"))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body, err := w.send(req)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return "", failed(fmt.Sprintf("status %d on POST %s", resp.StatusCode, u.Path),
			"POST %s section %s: status %d, want 303: %.200s", u.Path, values.Get("section"), resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", failed("303 without Location", "POST %s: a 303 without a Location", u.Path)
	}
	return loc, nil
}

// get loads a page or asset of the site and returns its body, unpacked,
// and its path.
func (w *walk) get(ref string, sameOrigin bool) ([]byte, string, error) {
	u, err := w.base.Parse(ref)
	if err != nil {
		return nil, "", failed("bad link", "link %q: %w", ref, err)
	}
	req, err := http.NewRequestWithContext(w.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	if sameOrigin {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, body, err := w.send(req)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", failed(fmt.Sprintf("status %d on GET %s", resp.StatusCode, u.Path), "GET %s: status %d, want 200", u.Path, resp.StatusCode)
	}
	return body, u.Path, nil
}

// send does one request with the walk's cookies, counts it, and reads the
// whole body, gunzipped when the server compressed it.
func (w *walk) send(req *http.Request) (*http.Response, []byte, error) {
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", "readiness-load (browser walk)")
	for _, c := range w.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	start := time.Now()
	resp, err := w.cl.Do(req)
	if err != nil {
		kind, sent := classify(err)
		w.tally.add(attempt{errKind: kind, sent: sent, latency: time.Since(start)})
		return nil, nil, failed(kind, "%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		kind := "body-" + kindOf(err)
		w.tally.add(attempt{errKind: kind, sent: true, latency: time.Since(start)})
		return nil, nil, failed(kind, "%s %s: %w", req.Method, req.URL.Path, err)
	}
	w.tally.add(attempt{status: resp.StatusCode, sent: true, latency: time.Since(start)})
	w.jar.SetCookies(req.URL, resp.Cookies())
	body := raw
	if resp.Header.Get("Content-Encoding") == "gzip" && len(raw) > 0 {
		body, err = gunzip(raw)
		if err != nil {
			return nil, nil, failed("bad gzip", "%s %s: gzip body: %w", req.Method, req.URL.Path, err)
		}
	}
	return resp, body, nil
}

// gunzipReaders are reused: a new gzip reader allocates its decompressor's
// tables and window, and the client shares the server's cores, so what it
// spends is taken from the server's figures.
var gunzipReaders sync.Pool

// gunzip decompresses a whole gzip body.
func gunzip(raw []byte) ([]byte, error) {
	zr, _ := gunzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(raw))
	} else {
		err = zr.Reset(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, err
	}
	defer gunzipReaders.Put(zr)
	return io.ReadAll(zr)
}

// parsePage finds the stylesheet and icon links and the section form (the
// form that posts to /assessment) in an HTML page.
func parsePage(body []byte) (page, error) {
	var pg page
	z := html.NewTokenizer(bytes.NewReader(body))
	var form *htmlForm
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return pg, err
			}
			return pg, nil
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "form" && form != nil {
				pg.form, form = form, nil
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attr := func(k string) string {
				for _, a := range tok.Attr {
					if a.Key == k {
						return a.Val
					}
				}
				return ""
			}
			switch tok.Data {
			case "link":
				switch attr("rel") {
				case "stylesheet":
					pg.stylesheet = attr("href")
				case "icon":
					pg.icon = attr("href")
				}
			case "form":
				if strings.EqualFold(attr("method"), "post") && attr("action") == "/assessment" && pg.form == nil {
					form = &htmlForm{action: attr("action"), hidden: url.Values{}, offered: map[string][]string{}}
				}
			case "input":
				if form == nil || attr("name") == "" {
					continue
				}
				switch attr("type") {
				case "hidden":
					form.hidden.Add(attr("name"), attr("value"))
				case "radio", "checkbox":
					form.offered[attr("name")] = append(form.offered[attr("name")], attr("value"))
				}
			case "button":
				if form != nil && form.button[0] == "" && (attr("type") == "" || attr("type") == "submit") {
					form.button = [2]string{attr("name"), attr("value")}
				}
			}
		}
	}
}

// BrowserSide is what the browser walks of a timed phase came to.
type BrowserSide struct {
	URL         string         `json:"url"`
	Respondents int            `json:"respondents"` // walks that reached their result page
	Failed      int            `json:"failed"`
	Seconds     float64        `json:"seconds"`
	PerSecond   float64        `json:"respondents_per_second"`
	Latency     Latency        `json:"latency"` // of a whole walk
	Requests    int            `json:"requests"`
	BytesIn     int64          `json:"bytes_in"`  // read from the server, headers included
	BytesOut    int64          `json:"bytes_out"` // sent to it
	Status      map[string]int `json:"status"`
	// ServerErrors counts 5xx answers to any request of any walk.
	ServerErrors int `json:"server_errors"`
	// ServerCPU is the CPU time the server (--pid) used in the phase.
	ServerCPU float64        `json:"server_cpu_seconds,omitempty"`
	Failures  map[string]int `json:"failures,omitempty"` // failed walks by what went wrong

	samples []time.Duration // each walk's latency, to merge rounds
}

// CPUPer is the server's mean CPU time per walk, in milliseconds: unlike
// the throughput, it hardly moves when other work shares the machine.
func (b BrowserSide) CPUPer() float64 { return perWalk(b.ServerCPU*1000, b) }

// RequestsPer is the mean number of requests a walk made.
func (b BrowserSide) RequestsPer() float64 { return perWalk(float64(b.Requests), b) }

// BytesInPer and BytesOutPer are the mean bytes a walk read and sent.
func (b BrowserSide) BytesInPer() float64  { return perWalk(float64(b.BytesIn), b) }
func (b BrowserSide) BytesOutPer() float64 { return perWalk(float64(b.BytesOut), b) }

func perWalk(x float64, b BrowserSide) float64 {
	if n := b.Respondents + b.Failed; n > 0 {
		return x / float64(n)
	}
	return 0
}

func (b BrowserSide) String() string {
	s := fmt.Sprintf("browser: %d respondents in %.1fs: %.1f/s; per respondent %s; %.1f requests, %.1f KB in, %.1f KB out; failed %d; status %s",
		b.Respondents, b.Seconds, b.PerSecond, b.Latency, b.RequestsPer(), b.BytesInPer()/1024, b.BytesOutPer()/1024, b.Failed, fmtCounts(b.Status))
	if b.ServerCPU > 0 {
		s += fmt.Sprintf("; server CPU %.2f ms per respondent", b.CPUPer())
	}
	if len(b.Failures) > 0 {
		s += "; failures " + fmtCounts(b.Failures)
	}
	return s
}

// Problems of a browser phase: any 5xx, any failed walk, or none finished.
func (b BrowserSide) Problems() []string {
	var p []string
	if b.ServerErrors > 0 {
		p = append(p, fmt.Sprintf("browser: %d server errors (5xx)", b.ServerErrors))
	}
	if b.Failed > 0 {
		p = append(p, fmt.Sprintf("browser: %d walks failed (%s)", b.Failed, fmtCounts(b.Failures)))
	}
	if b.Respondents == 0 {
		p = append(p, "browser: no walk reached its result")
	}
	return p
}

// browsers has concurrency visitors walk the assessment back to back for d.
// A walk started before d is up is finished.
type browsers struct {
	cl   *http.Client
	wire *wireCounter
	base *url.URL
	p    *assessment.Profile
	seed uint64
	pid  int           // the server's, for its CPU time; 0 for none
	next atomic.Uint64 // walk number, for its answers
}

func (b *browsers) phase(ctx context.Context, concurrency int, d time.Duration) BrowserSide {
	dctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rctx := context.WithoutCancel(ctx)
	in0, out0 := b.wire.in.Load(), b.wire.out.Load()
	cpu0, cpuErr := b.cpu()
	type worker struct {
		t         *tally
		latencies []time.Duration
		failed    int
		failures  map[string]int
	}
	workers := make([]worker, concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range workers {
		wk := &workers[i]
		wk.t, wk.failures = newTally(), map[string]int{}
		wg.Go(func() {
			for dctx.Err() == nil {
				k := b.next.Add(1)
				jar, _ := cookiejar.New(nil)
				w := &walk{cl: b.cl, base: b.base, jar: jar, ctx: rctx, tally: wk.t, p: b.p,
					answers: randomAnswers(b.p, rand.New(rand.NewPCG(b.seed, k)))}
				out := w.respond()
				if out.err != nil {
					wk.failed++
					wk.failures[failureKind(out.err)]++
					select { // the server may be down: do not spin
					case <-time.After(20 * time.Millisecond):
					case <-dctx.Done():
					}
					continue
				}
				wk.latencies = append(wk.latencies, out.latency)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all, failures := newTally(), map[string]int{}
	var latencies []time.Duration
	failed := 0
	for _, wk := range workers {
		all.merge(wk.t)
		latencies = append(latencies, wk.latencies...)
		failed += wk.failed
		for k, v := range wk.failures {
			failures[k] += v
		}
	}
	s := BrowserSide{
		URL: b.base.String(), Respondents: len(latencies), Failed: failed, Seconds: elapsed.Seconds(),
		Latency: latencyOf(latencies), Requests: all.requests(), samples: latencies,
		BytesIn: b.wire.in.Load() - in0, BytesOut: b.wire.out.Load() - out0,
		Status: all.statusCounts(), ServerErrors: all.serverErrors(), Failures: failures,
	}
	if s.Seconds > 0 {
		s.PerSecond = float64(s.Respondents) / s.Seconds
	}
	if cpu1, err := b.cpu(); err == nil && cpuErr == nil {
		s.ServerCPU = (cpu1 - cpu0).Seconds()
	}
	return s
}

func (b *browsers) cpu() (time.Duration, error) {
	if b.pid == 0 {
		return 0, errors.New("no server pid")
	}
	return cpuTime(b.pid)
}

// BrowserRun is a --browser run: the walks, and with --compare-ceiling the
// ceiling's inserts in alternating rounds and the ratio of respondents per
// second to them.
type BrowserRun struct {
	Concurrency int            `json:"concurrency"`
	Rounds      []BrowserRound `json:"rounds,omitempty"`
	Browser     BrowserSide    `json:"browser"`
	Ceiling     *Side          `json:"ceiling,omitempty"`
	// Ratio is respondents per second over the ceiling's inserts per second.
	Ratio     float64 `json:"ratio,omitempty"`
	PeakRSSKB int64   `json:"peak_rss_kb,omitempty"`
}

// BrowserRound is one round of a comparison.
type BrowserRound struct {
	Browser BrowserSide `json:"browser"`
	Ceiling Side        `json:"ceiling"`
}

func (r BrowserRun) String() string {
	var b strings.Builder
	for i, rd := range r.Rounds {
		fmt.Fprintf(&b, "round %d: respondents %.1f/s p50 %s p99 %s | ceiling %.1f/s p50 %s p99 %s\n", i+1,
			rd.Browser.PerSecond, fmtMS(rd.Browser.Latency.P50), fmtMS(rd.Browser.Latency.P99),
			rd.Ceiling.PerSecond, fmtMS(rd.Ceiling.Latency.P50), fmtMS(rd.Ceiling.Latency.P99))
	}
	b.WriteString(r.Browser.String())
	if r.Ceiling != nil {
		fmt.Fprintf(&b, "\n%s\nratio respondents/ceiling inserts: %.3f (at %d concurrent clients)", r.Ceiling, r.Ratio, r.Concurrency)
	}
	if r.PeakRSSKB > 0 {
		fmt.Fprintf(&b, "\nserver peak RSS %.0f MiB", float64(r.PeakRSSKB)/1024)
	}
	return b.String()
}

func (r BrowserRun) Problems() []string {
	p := r.Browser.Problems()
	if r.Ceiling != nil {
		p = append(p, r.Ceiling.Problems()...)
	}
	return p
}

// browserRun walks the assessment with cfg.Concurrency visitors for
// cfg.Duration, or, given a ceiling, for rounds × cfg.Duration alternating
// with the ceiling's POST /submit at the same concurrency.
func browserRun(ctx context.Context, cfg Config, ceilingURL string, rounds int) (BrowserRun, error) {
	base, err := checkLoopback(cfg.URL)
	if err != nil {
		return BrowserRun{}, err
	}
	p, err := defaultProfile()
	if err != nil {
		return BrowserRun{}, err
	}
	var rss *rssSampler
	if cfg.PID > 0 {
		if rss, err = startRSS(cfg.PID); err != nil {
			return BrowserRun{}, fmt.Errorf("--pid %d: %w", cfg.PID, err)
		}
	}
	defer func() { rss.Stop() }()
	bcl, wire := newBrowserClient(cfg.Concurrency, cfg.Timeout)
	defer bcl.CloseIdleConnections()
	b := &browsers{cl: bcl, wire: wire, base: base, p: p, seed: cfg.Seed, pid: cfg.PID}
	run := BrowserRun{Concurrency: cfg.Concurrency}

	if ceilingURL == "" {
		run.Browser = b.phase(ctx, cfg.Concurrency, cfg.Duration)
		run.PeakRSSKB = rss.Stop()
		rss = nil
		return run, nil
	}
	cbase, err := checkLoopback(ceilingURL)
	if err != nil {
		return BrowserRun{}, fmt.Errorf("--compare-ceiling: %w", err)
	}
	cl := newClient(cfg.Concurrency, cfg.Timeout)
	defer cl.CloseIdleConnections()
	ceiling := target{name: "ceiling", url: join(cbase, "/submit"), want: http.StatusCreated, bodies: [][]byte{bodyFor(p, cfg.Seed, 0)}}
	warm := min(time.Second, cfg.Duration/5)
	b.phase(ctx, cfg.Concurrency, warm)
	hammer(ctx, cl, ceiling, cfg.Concurrency, warm)

	var walks []BrowserSide
	ctally := newTally()
	var cspent time.Duration
	for r := range rounds {
		if ctx.Err() != nil {
			break
		}
		var rd BrowserRound
		ceilingFirst := r%2 == 1
		for i := range 2 {
			if (i == 0) == ceilingFirst {
				tl, el := hammer(ctx, cl, ceiling, cfg.Concurrency, cfg.Duration)
				rd.Ceiling = sideOf(ceiling, tl, el)
				ctally.merge(tl)
				cspent += el
			} else {
				rd.Browser = b.phase(ctx, cfg.Concurrency, cfg.Duration)
				walks = append(walks, rd.Browser)
			}
		}
		run.Rounds = append(run.Rounds, rd)
	}
	run.Browser = mergeBrowser(walks)
	c := sideOf(ceiling, ctally, cspent)
	run.Ceiling = &c
	if c.PerSecond > 0 {
		run.Ratio = run.Browser.PerSecond / c.PerSecond
	}
	run.PeakRSSKB = rss.Stop()
	rss = nil
	return run, nil
}

// mergeBrowser adds up rounds of walks.
func mergeBrowser(rounds []BrowserSide) BrowserSide {
	if len(rounds) == 0 {
		return BrowserSide{}
	}
	out := BrowserSide{URL: rounds[0].URL, Status: map[string]int{}, Failures: map[string]int{}}
	for _, r := range rounds {
		out.Respondents += r.Respondents
		out.Failed += r.Failed
		out.Seconds += r.Seconds
		out.Requests += r.Requests
		out.BytesIn += r.BytesIn
		out.BytesOut += r.BytesOut
		out.ServerErrors += r.ServerErrors
		out.ServerCPU += r.ServerCPU
		for k, v := range r.Status {
			out.Status[k] += v
		}
		for k, v := range r.Failures {
			out.Failures[k] += v
		}
		out.samples = append(out.samples, r.samples...)
	}
	out.Latency = latencyOf(out.samples)
	if out.Seconds > 0 {
		out.PerSecond = float64(out.Respondents) / out.Seconds
	}
	return out
}
