package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *site) landingPage(c *gin.Context) {
	s.render(c, http.StatusOK, "landing", s.T(c, "landing.title"), s.profileIn(c, s.profile))
}
