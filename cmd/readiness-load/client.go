package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// newClient is the one HTTP client of a run: keep-alive connections for
// every concurrent worker (per host, so a comparison keeps both pools warm),
// no redirects followed, no compression to skew the server's work.
func newClient(concurrency int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil, // loopback only: never through a proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          2 * concurrency,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkLoopback refuses any URL whose host is not a loopback address: the
// load command must never be pointed at someone else's server.
func checkLoopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: the scheme must be http or https", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%q: the host must be loopback (127.0.0.0/8, ::1 or localhost), not %q", raw, host)
	}
	return u, nil
}

// attempt is what became of one request.
type attempt struct {
	status  int    // 0 when no response arrived
	errKind string // why no response arrived
	sent    bool   // the request may have reached the server
	latency time.Duration
	body    []byte
}

// unknown reports a request that may or may not have taken effect: it was
// sent, and no response came back.
func (a attempt) unknown() bool { return a.status == 0 && a.sent }

// do sends one request with a JSON body (nil for none) and reads the whole
// response, so the connection goes back to the pool.
func do(ctx context.Context, cl *http.Client, method, u string, body []byte, cookie string) attempt {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return attempt{errKind: "bad-request"}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	start := time.Now()
	resp, err := cl.Do(req)
	if err != nil {
		kind, sent := classify(err)
		return attempt{errKind: kind, sent: sent, latency: time.Since(start)}
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		// The status line came and the body was cut off: the server acted,
		// but its answer (the id) never arrived.
		return attempt{errKind: "body-" + kindOf(err), sent: true, latency: time.Since(start)}
	}
	return attempt{status: resp.StatusCode, sent: true, latency: time.Since(start), body: data}
}

// classify names a transport error and says whether the request could have
// reached the server. A refused connection never carried the request; an
// EOF, reset or timeout after it was written leaves the outcome unknown.
func classify(err error) (kind string, sent bool) {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "connect-refused", false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "connect-refused", false
	}
	return kindOf(err), true
}

func kindOf(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection-reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken-pipe"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case strings.Contains(err.Error(), "server closed idle connection"):
		return "closed-idle"
	}
	return "other"
}

// join builds an endpoint URL from the base URL and a path.
func join(base *url.URL, path string) string {
	return strings.TrimSuffix(base.String(), "/") + path
}
