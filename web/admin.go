package web

import "github.com/gin-gonic/gin"

// adminRoutes registers the admin pages under /admin.
func (s *server) adminRoutes(r *gin.Engine, apiUser *gin.RouterGroup) {}
