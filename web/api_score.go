package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// scoreAPI serves what anyone may ask without an account: a profile
// (/api/v1/profiles/{id}) and scoring answers against it (/api/v1/score).
// It stores nothing, so it holds no store.
type scoreAPI struct {
	*site
}

func (h *scoreAPI) apiScore(c *gin.Context) {
	sc, ok := h.bindScored(c)
	if !ok {
		return
	}
	// The texts are the profile's source language's unless the request
	// asks for another: nothing but a few header reads when it does not.
	if lang := h.requestLang(c.Request); lang != assessment.SourceLanguage {
		if lp, ok := h.profiles.LookupIn(sc.profile.ID, lang); ok {
			scoring.Relabel(&sc.result, lp)
		}
	}
	bp := resultBufs.Get().(*[]byte)
	body := sc.result.AppendJSON((*bp)[:0])
	writeJSON(c, http.StatusOK, body) // written out before it returns
	if cap(body) <= maxPooledBuf {
		*bp = body[:0]
		resultBufs.Put(bp)
	}
}
