package scoring

import "github.com/readiness/readiness/internal/jsonenc"

// AppendJSON appends the result as JSON, byte for byte what encoding/json
// writes for it (a test holds the two together), without reflection: the
// score API and every submission encode a result, and this is several times
// faster.
func (r *Result) AppendJSON(b []byte) []byte {
	b = append(b, `{"profile":{"id":`...)
	b = jsonenc.String(b, r.Profile.ID)
	b = append(b, `,"version":`...)
	b = jsonenc.String(b, r.Profile.Version)
	b = append(b, `},"overall":`...)
	b = jsonenc.Float(b, r.Overall)
	b = append(b, `,"band":`...)
	b = jsonenc.String(b, r.Band)
	b = append(b, `,"requirements":`...)
	if r.Requirements == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, req := range r.Requirements {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = jsonenc.String(b, req.ID)
			b = append(b, `,"met":`...)
			b = jsonenc.Bool(b, req.Met)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"warnings":`...)
	if r.Warnings == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, w := range r.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.String(b, w)
		}
		b = append(b, ']')
	}
	b = append(b, `,"dimensions":`...)
	if r.Dimensions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Dimensions {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Dimensions[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"steps":`...)
	if r.Steps == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range r.Steps {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = jsonenc.String(b, s.ID)
			b = append(b, `,"kind":`...)
			b = jsonenc.String(b, s.Kind)
			b = append(b, `,"title":`...)
			b = jsonenc.String(b, s.Title)
			b = append(b, `,"text":`...)
			b = jsonenc.String(b, s.Text)
			b = append(b, `,"gain":`...)
			b = jsonenc.Float(b, s.Gain)
			b = append(b, `,"required":`...)
			b = jsonenc.Bool(b, s.Required)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (d *DimensionResult) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonenc.String(b, d.ID)
	b = append(b, `,"name":`...)
	b = jsonenc.String(b, d.Name)
	b = append(b, `,"weight":`...)
	b = jsonenc.Int(b, int64(d.Weight))
	b = append(b, `,"score":`...)
	b = jsonenc.Float(b, d.Score)
	b = append(b, `,"items":`...)
	if d.Items == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, it := range d.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"question":`...)
		b = jsonenc.String(b, it.Question)
		b = append(b, `,"answer":`...)
		b = it.Answer.AppendJSON(b)
		b = append(b, `,"points":`...)
		b = jsonenc.Int(b, int64(it.Points))
		b = append(b, `,"target":`...)
		b = jsonenc.Int(b, int64(it.Target))
		b = append(b, `,"lost":`...)
		b = jsonenc.Float(b, it.Lost)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
