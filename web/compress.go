package web

import (
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

// Pages, CSV downloads and other text answers are gzipped for clients that
// take it; the API is not (its bodies are small JSON, and the CPU is better
// spent answering), and static files come compressed ahead of time (see
// static.go). docs/PERFORMANCE.md has the measurements behind each choice:
//
//   - BestSpeed: a page compresses to about 10 % larger than at the default
//     level for a third of the CPU, and its compressor is a quarter the size.
//   - Compressors are pooled: a fresh one allocates and clears about 1 MB.
//   - Only a body worth it: a redirect, a 204 or 304, or anything under
//     minGzip bytes goes out as it is (gzip's header and trailer alone are
//     18 bytes, and each compression costs a compressor's reset).

// minGzip is the smallest first write that is compressed.
const minGzip = 512

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

var varyAcceptEncoding = []string{"Accept-Encoding"}

// compress gzips the answer to a client that accepts it, when the answer is
// text worth compressing; see gzipWriter.
func (s *site) compress(c *gin.Context) {
	if isAPI(c) || c.Request.URL.Path == "/healthz" {
		c.Next()
		return
	}
	// The same URL answers differently by Accept-Encoding, compressed or not.
	c.Writer.Header()["Vary"] = varyAcceptEncoding
	if !acceptsGzip(c.Request.Header.Get("Accept-Encoding")) {
		c.Next()
		return
	}
	w := &gzipWriter{ResponseWriter: c.Writer}
	c.Writer = w
	defer w.finish()
	c.Next()
}

// acceptsGzip reports whether an Accept-Encoding value takes gzip (or any
// encoding, "*") with a weight other than zero.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok && strings.Trim(v, "0.") == "" && v != "" {
			return false // q=0, q=0.0, q=0.000: refused
		}
		return true
	}
	return false
}

// gzipWriter decides at the first write of the body, when the status and
// headers are final, whether to compress: only text of a status that has
// a body, not already encoded, and not small.
type gzipWriter struct {
	gin.ResponseWriter
	decided bool
	gz      *gzip.Writer // nil: passing through
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if !w.decided {
		w.decide(len(p))
	}
	if w.gz == nil {
		return w.ResponseWriter.Write(p)
	}
	return w.gz.Write(p)
}

func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

func (w *gzipWriter) decide(first int) {
	w.decided = true
	h := w.Header()
	status := w.Status()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		(status >= 300 && status < 400) || h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	if first < minGzip {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

// Flush sends what is compressed so far (a streamed download).
func (w *gzipWriter) Flush() {
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	w.ResponseWriter.Flush()
}

// finish writes the gzip trailer and returns the compressor to the pool.
func (w *gzipWriter) finish() {
	if w.gz == nil {
		return
	}
	_ = w.gz.Close()
	w.gz.Reset(io.Discard) // drop the response writer before pooling
	gzipWriters.Put(w.gz)
	w.gz = nil
}

// compressible content types: text, and the few application types that are.
func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"):
		return true
	case ct == "image/svg+xml", ct == "application/javascript", ct == "application/json":
		return true
	}
	return false
}
