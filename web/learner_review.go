package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// learnerReviewStore is what a learner reads of their counselors' review:
// never a private note, only what was given to them.
type learnerReviewStore interface {
	Recommendations(ctx context.Context, learnerID int64) ([]db.Recommendation, error)
	FeedbackOn(ctx context.Context, learnerID, assessmentID int64) ([]db.Feedback, error)
	MarkFeedbackRead(ctx context.Context, learnerID, assessmentID int64) error
	NewFeedback(ctx context.Context, learnerID int64) ([]db.FeedbackNotice, error)
	Verification(ctx context.Context, learnerID, assessmentID int64) (db.Verification, error)
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

// verificationOf is the result's verified levels, or nil when none.
func verificationOf(ctx context.Context, store learnerReviewStore, a db.Assessment) (*db.Verification, error) {
	v, err := store.Verification(ctx, a.UserID, a.ID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// addLearnerReview puts what the learner's counselors gave them about a
// result on its page: feedback (then no longer new) and verified levels.
func (h *resultPages) addLearnerReview(c *gin.Context, a db.Assessment, v *resultView) error {
	ctx := c.Request.Context()
	fb, err := h.review.FeedbackOn(ctx, a.UserID, a.ID)
	if err != nil {
		return err
	}
	v.Feedback = fb
	for _, f := range fb {
		if f.ReadAt.IsZero() {
			v.NewFeedback++
		}
	}
	if v.NewFeedback > 0 {
		if err := h.review.MarkFeedbackRead(ctx, a.UserID, a.ID); err != nil {
			return err
		}
	}
	ver, err := verificationOf(ctx, h.review, a)
	if err != nil || ver == nil {
		return err
	}
	vv, err := h.buildVerifiedView(c, a, *ver)
	if err != nil {
		return err
	}
	v.Verified = &vv
	return nil
}

// withLearnerReview adds "feedback" and "verified" to a result as the API
// shows it to its learner.
func (h *assessmentAPI) withLearnerReview(c *gin.Context, a db.Assessment, body []byte) ([]byte, error) {
	ctx := c.Request.Context()
	fb, err := h.review.FeedbackOn(ctx, a.UserID, a.ID)
	if err != nil {
		return nil, err
	}
	ver, err := verificationOf(ctx, h.review, a)
	if err != nil {
		return nil, err
	}
	extra := struct {
		Feedback []feedbackJSON `json:"feedback"`
		Verified *verifiedJSON  `json:"verified"`
	}{Feedback: feedbackList(fb)}
	if ver != nil {
		vj := h.toVerifiedJSON(c, a, *ver)
		extra.Verified = &vj
	}
	more, err := json.Marshal(extra)
	if err != nil {
		return nil, err
	}
	// Splice the two fields into the result object: drop its closing
	// brace and the extra object's opening one.
	body = bytes.TrimRight(body, " \n")
	out := make([]byte, 0, len(body)+len(more))
	out = append(out, body[:len(body)-1]...)
	out = append(out, ',')
	return append(out, more[1:]...), nil
}
