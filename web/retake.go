package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// A learner who has a result and no unfinished attempt is asked, when
// starting again, whether to start from their last answers (a draft
// prefilled with them, to change what has changed since) or blank.

// retakeView is that choice.
type retakeView struct {
	At      time.Time
	Overall float64
	Band    string
}

// lastResult is the learner's latest result when a new attempt would start
// now: they have one, and no draft of the current profile to resume.
func (h *assessmentPages) lastResult(c *gin.Context) (db.Assessment, bool, error) {
	u := currentUser(c)
	if u == nil || u.Role != account.RoleLearner {
		return db.Assessment{}, false, nil
	}
	ctx := c.Request.Context()
	d, err := h.store.Draft(ctx, db.DraftOwner{UserID: u.ID})
	switch {
	case err == nil && d.ProfileID == h.profile.ID:
		return db.Assessment{}, false, nil
	case err != nil && !errors.Is(err, db.ErrNotFound):
		return db.Assessment{}, false, err
	}
	list, err := h.store.AssessmentsByUser(ctx, u.ID, 1, 0)
	if err != nil || len(list) == 0 {
		return db.Assessment{}, false, err
	}
	return list[0], true, nil
}

func (h *assessmentPages) renderRetake(c *gin.Context, last db.Assessment) {
	h.render(c, http.StatusOK, "assessment_start", h.T(c, "retake.title"), retakeView{
		At: last.CreatedAt, Overall: last.Overall, Band: h.bandName(c, last.ProfileID, last.Band),
	})
}

// carriedAnswers keeps the stored answers the current profile still asks,
// as a draft holds them; they are validated section by section as usual.
func carriedAnswers(p *assessment.Profile, stored []byte) ([]byte, error) {
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(stored, &raw); err != nil {
		return nil, err
	}
	for id := range raw {
		if _, ok := p.Question(id); !ok {
			delete(raw, id)
		}
	}
	return json.Marshal(raw)
}

// assessmentStart starts a new attempt from the choice: a draft holding the
// last answers, or an empty one. A draft made meanwhile (another tab) is
// kept: the learner resumes it rather than losing it.
func (h *assessmentPages) assessmentStart(c *gin.Context) {
	from := c.PostForm("from")
	if from != "last" && from != "blank" {
		h.renderError(c, http.StatusBadRequest, h.T(c, "retake.bad_choice"))
		return
	}
	last, ok, err := h.lastResult(c)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if !ok {
		c.Redirect(http.StatusSeeOther, "/assessment")
		return
	}
	answers, flash := []byte("{}"), ""
	if from == "last" {
		if answers, err = carriedAnswers(h.profile, last.Answers); err != nil {
			h.log.Error("retake: stored answers", "id", last.ID, "err", err)
			answers = []byte("{}")
		} else {
			flash = "retake-last"
		}
	}
	owner := db.DraftOwner{UserID: currentUser(c).ID}
	if err := h.store.SaveDraft(c.Request.Context(), owner, db.Draft{ProfileID: h.profile.ID, Answers: answers, Section: 1, UpdatedAt: h.now()}); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, "/assessment?section=1", flash)
}
