package web

import (
	"log/slog"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// InstrumentsHandler serves what an operator reads on the separate metrics
// listener (--metrics-addr): /metrics, the Prometheus text of g, and the
// runtime profiles under /debug/pprof/. NewRouter never mounts these, so
// the public listener answers 404 for both. (Importing net/http/pprof also
// registers its handlers on http.DefaultServeMux, which nothing here serves.)
func InstrumentsHandler(g prometheus.Gatherer, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError, // a failing collector leaves the others readable
	}))
	mux.HandleFunc("/debug/pprof/", pprof.Index) // the index and every named profile (heap, goroutine, …)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
