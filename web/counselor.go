package web

import "github.com/gin-gonic/gin"

// counselorRoutes registers the counselor workspace: pages under /counselor
// and the caseload API.
func (s *server) counselorRoutes(r *gin.Engine, apiUser *gin.RouterGroup) {}
