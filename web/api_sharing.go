package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

func (h *accountHandlers) apiShare(c *gin.Context) {
	var body struct {
		ShareCode string `json:"share_code"`
	}
	if !h.bindJSON(c, &body) {
		return
	}
	co, err := h.sharing.ShareWith(c.Request.Context(), currentUser(c).ID, body.ShareCode)
	if errors.Is(err, db.ErrInvalidShareCode) {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_share_code"), fieldProblem("share_code", h.T(c, "api.share_code_problem")))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, counselorJSON(co))
}

func (h *accountHandlers) apiCounselors(c *gin.Context) {
	cs, err := h.sharing.CounselorsOf(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]gin.H, 0, len(cs))
	for _, co := range cs {
		out = append(out, counselorJSON(co))
	}
	c.JSON(http.StatusOK, gin.H{"counselors": out})
}

func counselorJSON(co db.Counselor) gin.H {
	return gin.H{"id": co.ID, "name": co.Name, "email": co.Email, "since": co.Since.UTC().Format(time.RFC3339),
		"by_admin": co.ByAdmin}
}

// accessEntryJSON is one entry of a learner's record of access.
type accessEntryJSON struct {
	At     string         `json:"at"`
	Action string         `json:"action"`
	Words  string         `json:"words"`
	By     auditPartyJSON `json:"by"`
}

// apiAccess is the learner's record of who opened their results, newest
// first, paged.
func (h *accountHandlers) apiAccess(c *gin.Context) {
	limit, offset, ok := pageParams(c, accessPageSize)
	if !ok {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_paging"), fieldProblem("page", h.T(c, "api.paging_problem")))
		return
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	entries, err := h.sharing.AccessLog(ctx, u.ID, limit, offset)
	var total int
	if err == nil {
		total, err = h.sharing.CountAccessLog(ctx, u.ID)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]accessEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = accessEntryJSON{At: e.At.UTC().Format(time.RFC3339), Action: e.Action, Words: wordsFor(h.printer(c), "access_action.", e.Action),
			By: partyJSON(e.ActorID, e.ActorName, e.ActorEmail)}
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": offset/limit + 1, "per_page": limit, "entries": out})
}

func (h *accountHandlers) apiUnshare(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "api.not_found"))
		return
	}
	if err := h.sharing.Unshare(c.Request.Context(), currentUser(c).ID, id); err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
