package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web"
)

// instruments is the metrics listener: a registry of its own (no global
// one), the web metrics recorded into it, and the server for /metrics and
// /debug/pprof/.
type instruments struct {
	metrics *web.Metrics
	srv     *http.Server
	ln      net.Listener
}

// newInstruments registers the web metrics, the store's connection pools
// and the Go runtime and process collectors, and listens on addr.
func newInstruments(addr string, store *db.Store, log *slog.Logger) (*instruments, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	pools, err := store.Pools()
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		// go_sql_* series labelled db_name="write", "read" or "postgres".
		if err := reg.Register(collectors.NewDBStatsCollector(p.DB, p.Name)); err != nil {
			return nil, err
		}
	}
	m, err := web.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	srv := &http.Server{
		Handler:           web.InstrumentsHandler(reg, log),
		ReadHeaderTimeout: 10 * time.Second,
		// No write timeout: a CPU profile or trace runs for as many seconds
		// as it is asked for before it answers.
		IdleTimeout: 120 * time.Second,
	}
	return &instruments{metrics: m, srv: srv, ln: ln}, nil
}
