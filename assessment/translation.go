package assessment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// SourceLanguage is the language a profile file is written in. Its other
// languages are translation files beside it: NAME.LANG.json, for example
// ecommerce-manager.es.json, holding every text of the profile by id.
const SourceLanguage = "en"

// translation is the text of one profile in another language. Only text:
// ids, option keys, points, weights and rules stay in the profile file.
type translation struct {
	Profile      string                     `json:"profile"`
	Title        string                     `json:"title"`
	Summary      string                     `json:"summary"`
	Dimensions   map[string]dimensionText   `json:"dimensions"`
	Scales       map[string]map[string]text `json:"scales"`
	Questions    map[string]questionText    `json:"questions"`
	Requirements map[string]titledText      `json:"requirements"`
	Bands        map[string]bandText        `json:"bands"`
	Steps        map[string]titledText      `json:"steps"`
	Context      []Fact                     `json:"context"`
}

type dimensionText struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type text struct {
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

type questionText struct {
	Prompt  string          `json:"prompt"`
	Help    string          `json:"help,omitempty"`
	Options map[string]text `json:"options,omitempty"`
}

type titledText struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type bandText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// parseTranslation decodes a translation file.
func parseTranslation(name string, data []byte) (*translation, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var tr translation
	if err := dec.Decode(&tr); err != nil {
		return nil, &LoadError{File: name, Problems: []string{"not a valid translation: " + err.Error()}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{File: name, Problems: []string{"not a valid translation: data after the object"}}
	}
	if tr.Profile == "" {
		return nil, &LoadError{File: name, Problems: []string{"profile: missing (the id of the profile it translates)"}}
	}
	return &tr, nil
}

// translate returns a copy of p with every text in the translation's
// language. Every text p has must be translated and every id must be one
// of p's; each problem names its place.
func (p *Profile) translate(tr *translation) (*Profile, []string) {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	// need sets *dst to the translation of a text the source has.
	need := func(place, source, translated string, dst *string) {
		switch {
		case source != "" && strings.TrimSpace(translated) == "":
			add("%s: missing", place)
		case source == "" && translated != "":
			add("%s: the profile has no such text", place)
		}
		*dst = translated
	}
	used := map[string]map[string]bool{}
	use := func(part, id string) { // marks id as translated; returns nothing
		if used[part] == nil {
			used[part] = map[string]bool{}
		}
		used[part][id] = true
	}

	q := *p
	need("title", p.Title, tr.Title, &q.Title)
	need("summary", p.Summary, tr.Summary, &q.Summary)

	q.Dimensions = append([]Dimension(nil), p.Dimensions...)
	for i := range q.Dimensions {
		d := &q.Dimensions[i]
		t := tr.Dimensions[d.ID]
		use("dimensions", d.ID)
		need("dimensions."+d.ID+".name", p.Dimensions[i].Name, t.Name, &d.Name)
		need("dimensions."+d.ID+".description", p.Dimensions[i].Description, t.Description, &d.Description)
	}

	options := func(place string, src []Option, ts map[string]text) []Option {
		out := append([]Option(nil), src...)
		for i := range out {
			o := &out[i]
			t := ts[o.Key]
			use(place, o.Key)
			need(place+"."+o.Key+".label", src[i].Label, t.Label, &o.Label)
			need(place+"."+o.Key+".description", src[i].Description, t.Description, &o.Description)
		}
		for key := range ts {
			if !used[place][key] {
				add("%s.%s: no such option", place, key)
			}
		}
		return out
	}
	q.Scales.Rating = options("scales.rating", p.Scales.Rating, tr.Scales["rating"])
	q.Scales.Years = options("scales.years", p.Scales.Years, tr.Scales["years"])
	for name := range tr.Scales {
		if name != "rating" && name != "years" {
			add("scales.%s: no such scale", name)
		}
	}

	q.Questions = append([]Question(nil), p.Questions...)
	for i := range q.Questions {
		qq := &q.Questions[i]
		t := tr.Questions[qq.ID]
		use("questions", qq.ID)
		place := "questions." + qq.ID
		need(place+".prompt", p.Questions[i].Prompt, t.Prompt, &qq.Prompt)
		need(place+".help", p.Questions[i].Help, t.Help, &qq.Help)
		qq.Options = options(place+".options", p.Questions[i].Options, t.Options)
		if len(qq.Options) == 0 {
			qq.Options = nil
		}
	}

	q.Requirements = append([]Requirement(nil), p.Requirements...)
	for i := range q.Requirements {
		r := &q.Requirements[i]
		t := tr.Requirements[r.ID]
		use("requirements", r.ID)
		need("requirements."+r.ID+".title", p.Requirements[i].Title, t.Title, &r.Title)
		need("requirements."+r.ID+".text", p.Requirements[i].Text, t.Text, &r.Text)
	}
	q.Bands = append([]Band(nil), p.Bands...)
	for i := range q.Bands {
		b := &q.Bands[i]
		t := tr.Bands[b.ID]
		use("bands", b.ID)
		need("bands."+b.ID+".name", p.Bands[i].Name, t.Name, &b.Name)
		need("bands."+b.ID+".text", p.Bands[i].Text, t.Text, &b.Text)
	}
	q.Steps = append([]Step(nil), p.Steps...)
	for i := range q.Steps {
		s := &q.Steps[i]
		t := tr.Steps[s.ID]
		use("steps", s.ID)
		need("steps."+s.ID+".title", p.Steps[i].Title, t.Title, &s.Title)
		need("steps."+s.ID+".text", p.Steps[i].Text, t.Text, &s.Text)
	}

	if len(tr.Context) != len(p.Context) {
		add("context: %d facts, the profile has %d (same order)", len(tr.Context), len(p.Context))
	} else {
		q.Context = append([]Fact(nil), tr.Context...)
		for i, f := range p.Context {
			place := fmt.Sprintf("context[%d]", i)
			need(place+".label", f.Label, tr.Context[i].Label, &q.Context[i].Label)
			need(place+".value", f.Value, tr.Context[i].Value, &q.Context[i].Value)
			need(place+".source", f.Source, tr.Context[i].Source, &q.Context[i].Source)
			need(place+".date", f.Date, tr.Context[i].Date, &q.Context[i].Date)
		}
	}

	for part, ids := range map[string][]string{
		"dimensions": keys(tr.Dimensions), "questions": keys(tr.Questions),
		"requirements": keys(tr.Requirements), "bands": keys(tr.Bands), "steps": keys(tr.Steps),
	} {
		for _, id := range ids {
			if !used[part][id] {
				add("%s.%s: the profile has no such id", part, id)
			}
		}
	}
	sort.Strings(problems)
	return &q, problems
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
