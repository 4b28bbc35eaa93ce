package web

import "github.com/readiness/readiness/db"

// learnerTrend is the learner's trend chart, drawn by the same code as
// their own /progress page (web/chart.go), from attempts newest first.
func (s *server) learnerTrend(newestFirst []db.Assessment) (chartView, bool) {
	return s.trendOf(s.attemptsOf(newestFirst))
}
