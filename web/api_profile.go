package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
)

func (h *scoreAPI) apiProfile(c *gin.Context) {
	p, ok := h.profiles.Lookup(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, h.T(c, "api.no_such_profile"))
		return
	}
	// The same URL answers in each language, so a cache must keep them apart.
	c.Header("Vary", "Accept-Language, Cookie")
	c.JSON(http.StatusOK, profileResponse(h.profileIn(c, p)))
}

// profileResponse is the profile with each rating and years question's
// scale written out as its options, so a client needs nothing else.
func profileResponse(p *assessment.Profile) gin.H {
	qs := make([]assessment.Question, len(p.Questions))
	for i := range p.Questions {
		qs[i] = p.Questions[i]
		qs[i].Options = p.OptionsOf(&p.Questions[i])
	}
	return gin.H{
		"id": p.ID, "version": p.Version, "language": p.Language, "title": p.Title, "summary": p.Summary,
		"dimensions": p.Dimensions, "scales": p.Scales, "questions": qs,
		"requirements": p.Requirements, "bands": p.Bands, "steps": p.Steps, "context": p.Context,
	}
}
