package scoring_test

import (
	"encoding/json"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/internal/jsonscan"
	"github.com/readiness/readiness/scoring"
)

func BenchmarkScore(b *testing.B) {
	p := builtin(b)
	a := sampleAnswers(b, p)
	b.ReportAllocs()
	for b.Loop() {
		scoring.Score(p, a)
	}
}

// BenchmarkDecodeValidateScore is the work of one POST /api/v1/score, as
// the server does it: the body checked, split and validated straight into
// the profile's questions, then scored.
func BenchmarkDecodeValidateScore(b *testing.B) {
	p := builtin(b)
	body := sampleBody(b)
	b.ReportAllocs()
	for b.Loop() {
		if !jsonscan.Valid(body) {
			b.Fatal("invalid body")
		}
		_, answers, ok := assessment.SplitSubmission(body)
		if !ok {
			b.Fatal("body not split")
		}
		a, problems := p.ParseJSON(answers)
		if len(problems) != 0 {
			b.Fatal(problems)
		}
		scoring.Score(p, a)
	}
}

// BenchmarkDecodeValidateScoreStandard is the same through encoding/json
// and the map of raw answers, the path of unusual bodies.
func BenchmarkDecodeValidateScoreStandard(b *testing.B) {
	p := builtin(b)
	body := sampleBody(b)
	b.ReportAllocs()
	for b.Loop() {
		var sub assessment.Submission
		if err := json.Unmarshal(body, &sub); err != nil {
			b.Fatal(err)
		}
		a, problems := p.Parse(sub.Answers)
		if len(problems) != 0 {
			b.Fatal(problems)
		}
		scoring.Score(p, a)
	}
}

// BenchmarkResultJSON is encoding one result, as the score API sends it.
func BenchmarkResultJSON(b *testing.B) {
	p := builtin(b)
	r := scoring.Score(p, sampleAnswers(b, p))
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		buf = r.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}
