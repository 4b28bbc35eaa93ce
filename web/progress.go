package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *server) progressPage(c *gin.Context) {
	s.renderError(c, http.StatusNotImplemented, "not yet")
}

func (s *server) comparePage(c *gin.Context) {
	s.renderError(c, http.StatusNotImplemented, "not yet")
}
