package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// meResponse is the user as the API shows them: no hash, and a share code
// only for a counselor.
type meResponse struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	ShareCode string `json:"share_code,omitempty"`
}

func (s *server) meResponse(u *db.User) meResponse {
	m := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
	if u.Role == "counselor" {
		m.ShareCode = u.ShareCode
	}
	return m
}

func (s *server) apiMe(c *gin.Context) { c.JSON(http.StatusOK, s.meResponse(currentUser(c))) }

func (s *server) apiExport(c *gin.Context) {
	exp, err := s.store.ExportUser(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, exp)
}

func (s *server) apiDeleteMe(c *gin.Context) {
	var body struct {
		Password string `json:"password"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	u := currentUser(c)
	if !passwordMatches(u, body.Password) {
		abortFields(c, http.StatusUnprocessableEntity, "password does not match", fieldProblem{"password", "is not your current password"})
		return
	}
	if err := s.store.DeleteUser(c.Request.Context(), u.ID); err != nil {
		s.abortStoreError(c, err)
		return
	}
	s.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}
