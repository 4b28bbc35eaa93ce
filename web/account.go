package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/db"
)

type accountView struct {
	Counselors  []db.Counselor
	ShareCode   string
	ShareError  string
	DeleteError string
	Attempts    int
}

func passwordMatches(u *db.User, pw string) bool {
	if len(pw) > 1024 {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}

func (s *server) renderAccount(c *gin.Context, status int, v accountView) {
	u := currentUser(c)
	if u.Role == "learner" {
		cs, err := s.store.CounselorsOf(c.Request.Context(), u.ID)
		if err != nil {
			s.log.Error("counselors", "err", err)
		}
		v.Counselors = cs
	}
	s.render(c, status, "account", "Your account", v)
}

func (s *server) accountPage(c *gin.Context) { s.renderAccount(c, http.StatusOK, accountView{}) }

func (s *server) shareSubmit(c *gin.Context) {
	u := currentUser(c)
	code := strings.TrimSpace(c.PostForm("share_code"))
	if u.Role != "learner" {
		s.renderError(c, http.StatusForbidden, "Only learner accounts share results with a counselor.")
		return
	}
	if code == "" {
		s.renderAccount(c, http.StatusUnprocessableEntity, accountView{ShareCode: code, ShareError: "Share code is required: ask your counselor for theirs."})
		return
	}
	_, err := s.store.ShareWith(c.Request.Context(), u.ID, code)
	if errors.Is(err, db.ErrInvalidShareCode) {
		s.renderAccount(c, http.StatusUnprocessableEntity, accountView{ShareCode: code, ShareError: "Share code does not match any counselor. Check it with your counselor."})
		return
	}
	if err != nil {
		s.log.Error("share", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not share your results. Please try again.")
		return
	}
	s.redirect(c, "/account", "shared")
}

func (s *server) unshareSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		s.renderError(c, http.StatusNotFound, "You do not share with that counselor.")
		return
	}
	err := s.store.Unshare(c.Request.Context(), currentUser(c).ID, id)
	if isNotFound(err) {
		s.renderError(c, http.StatusNotFound, "You do not share with that counselor.")
		return
	}
	if err != nil {
		s.log.Error("unshare", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not stop sharing. Please try again.")
		return
	}
	s.redirect(c, "/account", "unshared")
}

func (s *server) exportDownload(c *gin.Context) {
	exp, err := s.store.ExportUser(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		s.log.Error("export", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not prepare your data. Please try again.")
		return
	}
	data, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		s.log.Error("export", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not prepare your data. Please try again.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="readiness-export.json"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", data)
}

func (s *server) deleteAccountSubmit(c *gin.Context) {
	u := currentUser(c)
	if !passwordMatches(u, c.PostForm("password")) {
		s.renderAccount(c, http.StatusUnprocessableEntity, accountView{DeleteError: "Password is not your current password, so nothing was deleted."})
		return
	}
	if err := s.store.DeleteUser(c.Request.Context(), u.ID); err != nil {
		s.log.Error("delete account", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not delete your account. Nothing was removed; please try again.")
		return
	}
	s.setSessionCookie(c, "", -1)
	s.redirect(c, "/", "deleted")
}
