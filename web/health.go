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
}

// health serves /healthz for load balancers and uptime monitors.
type health struct {
	store pinger
	log   *slog.Logger
}

func (h *health) healthz(c *gin.Context) {
	if err := h.store.Ping(c.Request.Context()); err != nil {
		h.log.Error("healthz", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
