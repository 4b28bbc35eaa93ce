package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
)

func (h *scoreAPI) apiProfile(c *gin.Context) {
	p, ok := h.profiles.Lookup(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, "no such profile")
		return
	}
	c.JSON(http.StatusOK, profileResponse(p))
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
		"id": p.ID, "version": p.Version, "title": p.Title, "summary": p.Summary,
		"dimensions": p.Dimensions, "scales": p.Scales, "questions": qs,
		"requirements": p.Requirements, "bands": p.Bands, "steps": p.Steps, "context": p.Context,
	}
}
