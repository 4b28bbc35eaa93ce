// Package plan holds the rules of a learner's plan of next steps: the
// statuses an item moves through, the evidence note a learner may keep with
// it, how a counselor's recommendation is named beside catalog steps, and
// what moved between two attempts on the answers a done step addresses. It
// is pure, like scoring: no database, no HTTP.
package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The statuses of a plan item, in the order a learner moves through them.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in-progress"
	StatusDone       = "done"
)

// Statuses lists every status in order.
var Statuses = []string{StatusPlanned, StatusInProgress, StatusDone}

// ValidStatus reports whether s is one of Statuses.
func ValidStatus(s string) bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// StatusProblem is the message for a status that is not one of Statuses.
const StatusProblem = `must be one of "planned", "in-progress" or "done"`

// MaxEvidence bounds an evidence note (a course name, a certificate
// number); longer text is refused, not cut.
const MaxEvidence = 500

// CheckEvidence trims an evidence note and says what is wrong with it, or
// "" when it is fine. An empty note is fine: evidence is optional.
func CheckEvidence(s string) (string, string) {
	if !utf8.ValidString(s) {
		return s, "must be plain text"
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		// A line break is fine in a note; other control characters are not text.
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return s, "must be plain text"
		}
	}
	if n := utf8.RuneCountInString(s); n > MaxEvidence {
		return s, fmt.Sprintf("must be at most %d characters (this one has %d)", MaxEvidence, n)
	}
	return s, ""
}

// recommendationPrefix starts the step of a plan item that came from a
// counselor's recommendation: "rec-42" is recommendation 42. Catalog step
// ids are words ("security-training"); a profile may not give a step an id
// of this form (assessment refuses it at load), so the two never collide.
const recommendationPrefix = "rec-"

// RecommendationStep is the step value naming recommendation id.
func RecommendationStep(id int64) string {
	return recommendationPrefix + strconv.FormatInt(id, 10)
}

// RecommendationID reports whether step names a recommendation, and which:
// "rec-" followed by a positive decimal number, nothing else.
func RecommendationID(step string) (int64, bool) {
	digits, ok := strings.CutPrefix(step, recommendationPrefix)
	if !ok || digits == "" || digits[0] == '0' || digits[0] == '+' {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return id, true
}
