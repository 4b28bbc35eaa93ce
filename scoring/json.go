package scoring

import (
	"math"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// AppendJSON appends the result as JSON: byte for byte what json.Marshal
// (JSON v2) writes for it from the struct tags, which define the wire
// format; a test holds the two together. It exists for speed alone: the
// score API and every submission encode a result, and the library's
// encoder took three times as long, a sixth of a score request's CPU (see
// docs/PERFORMANCE.md, third round). Strings are quoted by the library.
func (r *Result) AppendJSON(b []byte) []byte {
	b = append(b, `{"profile":{"id":`...)
	b = appendString(b, r.Profile.ID)
	b = append(b, `,"version":`...)
	b = appendString(b, r.Profile.Version)
	b = append(b, `},"overall":`...)
	b = appendFloat(b, r.Overall)
	b = append(b, `,"band":`...)
	b = appendString(b, r.Band)
	b = append(b, `,"requirements":[`...)
	for i, req := range r.Requirements {
		b = appendComma(b, i)
		b = append(b, `{"id":`...)
		b = appendString(b, req.ID)
		b = append(b, `,"met":`...)
		b = strconv.AppendBool(b, req.Met)
		b = append(b, '}')
	}
	b = append(b, `],"warnings":[`...)
	for i, w := range r.Warnings {
		b = appendComma(b, i)
		b = appendString(b, w)
	}
	b = append(b, `],"dimensions":[`...)
	for i := range r.Dimensions {
		b = appendComma(b, i)
		b = r.Dimensions[i].appendJSON(b)
	}
	b = append(b, `],"steps":[`...)
	for i, s := range r.Steps {
		b = appendComma(b, i)
		b = append(b, `{"id":`...)
		b = appendString(b, s.ID)
		b = append(b, `,"kind":`...)
		b = appendString(b, s.Kind)
		b = append(b, `,"title":`...)
		b = appendString(b, s.Title)
		b = append(b, `,"text":`...)
		b = appendString(b, s.Text)
		b = append(b, `,"gain":`...)
		b = appendFloat(b, s.Gain)
		b = append(b, `,"required":`...)
		b = strconv.AppendBool(b, s.Required)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func (d *DimensionResult) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, d.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, d.Name)
	b = append(b, `,"weight":`...)
	b = strconv.AppendInt(b, int64(d.Weight), 10)
	b = append(b, `,"score":`...)
	b = appendFloat(b, d.Score)
	b = append(b, `,"items":[`...)
	for i, it := range d.Items {
		b = appendComma(b, i)
		b = append(b, `{"question":`...)
		b = appendString(b, it.Question)
		b = append(b, `,"answer":`...)
		b = it.Answer.AppendJSON(b)
		b = append(b, `,"points":`...)
		b = strconv.AppendInt(b, int64(it.Points), 10)
		b = append(b, `,"target":`...)
		b = strconv.AppendInt(b, int64(it.Target), 10)
		b = append(b, `,"lost":`...)
		b = appendFloat(b, it.Lost)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendComma(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

// appendString quotes s as the library does (it cannot fail on the valid
// UTF-8 of profiles and validated answers).
func appendString(b []byte, s string) []byte {
	b, _ = jsontext.AppendQuote(b, s)
	return b
}

// appendFloat writes f as JSON v2 writes a float64 (as ECMAScript does:
// exponent form below 1e-6 and from 1e21). Scores are never NaN or
// infinite, which JSON cannot hold; they would be written as 0.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-09 is written e-9
		b = b[:n-1]
	}
	return b
}
