package scoring_test

import (
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

var laterNameWins = jsontext.AllowDuplicateNames(true)

func BenchmarkScore(b *testing.B) {
	p := builtin(b)
	a := sampleAnswers(b, p)
	b.ReportAllocs()
	for b.Loop() {
		scoring.Score(p, a)
	}
}

// BenchmarkDecodeValidateScore is the work of one POST /api/v1/score, as
// the server does it: the body read straight into the profile's question
// slots (with the server's option), validated, then scored.
func BenchmarkDecodeValidateScore(b *testing.B) {
	reg, err := assessment.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	body := sampleBody(b)
	b.ReportAllocs()
	for b.Loop() {
		sub := assessment.Submission{Profiles: reg}
		if err := json.Unmarshal(body, &sub, laterNameWins); err != nil {
			b.Fatal(err)
		}
		p, a, problems := sub.Validate()
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
