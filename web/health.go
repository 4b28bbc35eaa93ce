package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

// pinger is what the health check asks of the store.
type pinger interface {
	Ping(ctx context.Context) error
	// CheckWritable fails (wrapping db.ErrUnavailable) when a write cannot
	// reach the database: a full disk, a read-only or removed file.
	CheckWritable(ctx context.Context) error
}

// health serves /healthz for load balancers and uptime monitors.
type health struct {
	store pinger
	log   *slog.Logger
}

// healthz is 200 only when the database answers and can be written: a full
// disk, a read-only or removed file, or a server refusing writes is 503.
func (h *health) healthz(c *gin.Context) {
	if err := h.store.Ping(c.Request.Context()); err != nil {
		h.log.Error("healthz", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unavailable"})
		return
	}
	if err := h.store.CheckWritable(c.Request.Context()); err != nil {
		h.log.Error("healthz", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database cannot be written"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
