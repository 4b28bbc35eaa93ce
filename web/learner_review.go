package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// learnerReviewStore is what a learner reads of their counselors' review:
// never a private note, only what was given to them.
type learnerReviewStore interface {
	Recommendations(ctx context.Context, learnerID int64) ([]db.Recommendation, error)
}

// apiMyRecommendations is GET /api/v1/recommendations: every step the
// learner's counselors recommended, newest first, kept after sharing ends.
func (h *assessmentAPI) apiMyRecommendations(c *gin.Context) {
	list, err := h.review.Recommendations(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, recommendationList(list))
}
