package scoring

import "github.com/readiness/readiness/assessment"

// Relabel rewrites the texts of r (dimension names, step titles and texts)
// from p, which is usually the same profile in the reader's language. Ids,
// numbers and order are untouched; a text whose id p no longer has keeps
// the wording r was scored with. It changes r in place.
func Relabel(r *Result, p *assessment.Profile) {
	for i := range r.Dimensions {
		if d, ok := p.Dimension(r.Dimensions[i].ID); ok {
			r.Dimensions[i].Name = d.Name
		}
	}
	for i := range r.Steps {
		if s, ok := p.Step(r.Steps[i].ID); ok {
			r.Steps[i].Title, r.Steps[i].Text = s.Title, s.Text
		}
	}
}
