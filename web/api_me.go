package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
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

func meOf(u *db.User) meResponse {
	m := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
	if u.Role == account.RoleCounselor {
		m.ShareCode = u.ShareCode
	}
	return m
}

func (h *accountHandlers) apiMe(c *gin.Context) { c.JSON(http.StatusOK, meOf(currentUser(c))) }

func (h *accountHandlers) apiExport(c *gin.Context) {
	exp, err := h.store.ExportUser(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, exp)
}

func (h *accountHandlers) apiDeleteMe(c *gin.Context) {
	var body struct {
		Password string `json:"password"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	u := currentUser(c)
	if !passwordMatches(u, body.Password) {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.password_mismatch"), fieldProblem("password", h.T(c, "api.password_mismatch_problem")))
		return
	}
	err := h.store.DeleteUser(c.Request.Context(), u.ID)
	if errors.Is(err, db.ErrLastAdmin) {
		apiFail(c, http.StatusConflict, h.T(c, "account_page.last_admin_api"), fieldProblem("password", h.T(c, lastAdminDelete)))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	h.sessions.setCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}
