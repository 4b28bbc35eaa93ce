// Package assessment holds the career profiles Readiness scores against (as
// embedded, human-editable data files), their questions, and the validation of
// a person's answers. It uses the standard library and, for the JSON of
// answers, JSON v2 (github.com/go-json-experiment/json) only.
package assessment

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Question types.
const (
	TypeSingle = "single" // one option key
	TypeMulti  = "multi"  // a set of option keys, scored by how many are held
	TypeRating = "rating" // an integer on the shared 0–4 rating scale
	TypeYears  = "years"  // one key of the shared years scale
)

// MaxPoints is the top of every answer's points range.
const MaxPoints = 4

// Profile is one career profile: what the role needs and how answers score.
type Profile struct {
	ID           string        `json:"id"`
	Version      string        `json:"version"`
	Title        string        `json:"title"`
	Summary      string        `json:"summary"`
	Dimensions   []Dimension   `json:"dimensions"`
	Scales       Scales        `json:"scales"`
	Questions    []Question    `json:"questions"`
	Requirements []Requirement `json:"requirements"`
	Bands        []Band        `json:"bands"`
	Steps        []Step        `json:"steps"`
	Context      []Fact        `json:"context"`

	// Language is the language of the texts: SourceLanguage for the
	// profile file, another for a translation of it.
	Language string `json:"-"`

	questionIndex  map[string]int
	dimensionIndex map[string]int
}

// Dimension is one weighted area of the profile.
type Dimension struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description"`
}

// Scales are the option lists shared by every rating and every years question.
type Scales struct {
	Rating []Option `json:"rating"`
	Years  []Option `json:"years"`
}

// Option is one choice of a question or a scale level.
type Option struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Points      int    `json:"points"`
	Exclusive   bool   `json:"exclusive,omitempty"`
}

// Condition is true when the named question's answer is one of In.
type Condition struct {
	Question string   `json:"question"`
	In       []string `json:"in"`
}

// Question is one item of the assessment.
type Question struct {
	ID          string     `json:"id"`
	Dimension   string     `json:"dimension"`
	Type        string     `json:"type"`
	Prompt      string     `json:"prompt"`
	Help        string     `json:"help,omitempty"`
	Target      int        `json:"target"`
	Weight      int        `json:"weight"`
	ShowIf      *Condition `json:"show_if,omitempty"`
	Options     []Option   `json:"options,omitempty"`
	CountPoints []int      `json:"count_points,omitempty"` // multi: points for 0, 1, … options held; the last entry covers any more
}

// Requirement is a hard condition of the profile; failing it caps the band.
type Requirement struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Question  string `json:"question"`
	MinPoints int    `json:"min_points"`
	CapsBand  string `json:"caps_band"`
}

// Band names a range of the overall score; bands are listed highest first.
type Band struct {
	ID   string  `json:"id"`
	Name string  `json:"name"`
	Min  float64 `json:"min"`
	Text string  `json:"text"`
}

// Clause is one test of a step's applies-when list; all clauses must hold.
type Clause struct {
	Question      string   `json:"question"`
	PointsBelow   *int     `json:"points_below,omitempty"`
	PointsAtLeast *int     `json:"points_at_least,omitempty"`
	BelowTarget   bool     `json:"below_target,omitempty"`
	In            []string `json:"in,omitempty"`
}

// Step is one next education step of the catalog. With no Applies clauses
// it applies when any item it addresses is below target.
type Step struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Fixes     string   `json:"fixes,omitempty"`
	Addresses []string `json:"addresses"`
	Applies   []Clause `json:"applies,omitempty"`
}

// Fact is a piece of career context, always shown with its source and date.
type Fact struct {
	Label  string `json:"label"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Date   string `json:"date"`
}

// Question returns the question with the given id.
func (p *Profile) Question(id string) (*Question, bool) {
	i, ok := p.questionIndex[id]
	if !ok {
		return nil, false
	}
	return &p.Questions[i], true
}

// QuestionIndex returns the position of the question in p.Questions.
func (p *Profile) QuestionIndex(id string) (int, bool) {
	i, ok := p.questionIndex[id]
	return i, ok
}

// Dimension returns the dimension with the given id.
func (p *Profile) Dimension(id string) (*Dimension, bool) {
	i, ok := p.dimensionIndex[id]
	if !ok {
		return nil, false
	}
	return &p.Dimensions[i], true
}

// Band returns the band with the given id.
func (p *Profile) Band(id string) (*Band, bool) {
	for i := range p.Bands {
		if p.Bands[i].ID == id {
			return &p.Bands[i], true
		}
	}
	return nil, false
}

// Step returns the step of the catalog with the given id.
func (p *Profile) Step(id string) (*Step, bool) {
	for i := range p.Steps {
		if p.Steps[i].ID == id {
			return &p.Steps[i], true
		}
	}
	return nil, false
}

// QuestionsIn returns the questions of one dimension, in profile order.
func (p *Profile) QuestionsIn(dimension string) []*Question {
	var qs []*Question
	for i := range p.Questions {
		if p.Questions[i].Dimension == dimension {
			qs = append(qs, &p.Questions[i])
		}
	}
	return qs
}

// OptionsOf returns the options a question offers: its own, or its scale's.
func (p *Profile) OptionsOf(q *Question) []Option {
	switch q.Type {
	case TypeRating:
		return p.Scales.Rating
	case TypeYears:
		return p.Scales.Years
	}
	return q.Options
}

// Option returns the option of q with the given key.
func (p *Profile) Option(q *Question, key string) (Option, bool) {
	for _, o := range p.OptionsOf(q) {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

//go:embed profiles/*.json
var embedded embed.FS

// Registry is a set of loaded profiles by id, each in every language it
// has a translation for.
type Registry struct {
	byID map[string]*Profile
	ids  []string
	// translated holds each profile's translations: id → language → profile.
	translated map[string]map[string]*Profile
}

// Builtin loads the profiles embedded in the binary.
func Builtin() (*Registry, error) { return LoadDir(embedded, "profiles") }

// LoadDir loads and validates every profile in dir of fsys: each NAME.json
// is a profile (in SourceLanguage) and each NAME.LANG.json a translation of
// one, which must translate every text the profile has.
func LoadDir(fsys fs.FS, dir string) (*Registry, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	r := &Registry{byID: map[string]*Profile{}, translated: map[string]map[string]*Profile{}}
	var errs []error
	var translations []string
	for _, name := range names {
		if _, lang := splitLang(name); lang != "" {
			translations = append(translations, name)
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := Parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := r.byID[p.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: profile id %q is already used by another file", name, p.ID))
			continue
		}
		r.byID[p.ID] = p
		r.ids = append(r.ids, p.ID)
	}
	if len(r.byID) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("%s: no profile files", dir)
	}
	for _, name := range translations {
		if err := r.addTranslation(fsys, name); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Strings(r.ids)
	return r, nil
}

// splitLang reads NAME.LANG.json as its base and language; LANG is ""
// for a profile file.
func splitLang(name string) (base, lang string) {
	stem := strings.TrimSuffix(path.Base(name), ".json")
	i := strings.LastIndexByte(stem, '.')
	if i < 0 || !isLangTag(stem[i+1:]) {
		return stem, ""
	}
	return stem[:i], stem[i+1:]
}

// isLangTag reports whether s looks like a BCP 47 tag: "es", "pt-BR".
func isLangTag(s string) bool {
	lang, region, _ := strings.Cut(s, "-")
	if len(lang) < 2 || len(lang) > 3 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz") != "" {
		return false
	}
	for _, r := range region {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (r *Registry) addTranslation(fsys fs.FS, name string) error {
	_, lang := splitLang(name)
	if lang == SourceLanguage {
		return &LoadError{File: name, Problems: []string{"profiles are written in " + SourceLanguage + "; a translation is in another language"}}
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	tr, err := parseTranslation(name, data)
	if err != nil {
		return err
	}
	p, ok := r.byID[tr.Profile]
	if !ok {
		return &LoadError{File: name, Problems: []string{fmt.Sprintf("profile: no profile %q to translate", tr.Profile)}}
	}
	if _, dup := r.translated[p.ID][lang]; dup {
		return &LoadError{File: name, Problems: []string{fmt.Sprintf("a second %s translation of %q", lang, p.ID)}}
	}
	q, problems := p.translate(tr)
	if len(problems) > 0 {
		return &LoadError{File: name, Problems: problems}
	}
	q.Language = lang
	if r.translated[p.ID] == nil {
		r.translated[p.ID] = map[string]*Profile{}
	}
	r.translated[p.ID][lang] = q
	return nil
}

// Lookup returns the profile with the given id, in SourceLanguage.
func (r *Registry) Lookup(id string) (*Profile, bool) {
	p, ok := r.byID[id]
	return p, ok
}

// LookupIn returns the profile with the given id in a language: its
// translation, or the profile itself for SourceLanguage. ok is false when
// there is no such profile or no such translation.
func (r *Registry) LookupIn(id, lang string) (*Profile, bool) {
	if lang == SourceLanguage {
		return r.Lookup(id)
	}
	p, ok := r.translated[id][lang]
	return p, ok
}

// IDs lists the loaded profile ids, sorted.
func (r *Registry) IDs() []string { return append([]string(nil), r.ids...) }

// Require reports every profile that lacks one of the languages.
func (r *Registry) Require(langs ...string) error {
	var errs []error
	for _, id := range r.ids {
		for _, lang := range langs {
			if _, ok := r.LookupIn(id, lang); !ok {
				errs = append(errs, fmt.Errorf("profile %q has no %s translation (a file %s.%s.json beside it)", id, lang, id, lang))
			}
		}
	}
	return errors.Join(errs...)
}

// LoadError lists every problem found in one profile file.
type LoadError struct {
	File     string
	Problems []string
}

func (e *LoadError) Error() string {
	return e.File + ": " + strings.Join(e.Problems, "; ")
}

// Parse decodes and validates one profile file; name is used in errors.
func Parse(name string, data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, &LoadError{File: name, Problems: []string{"not a valid profile: " + err.Error()}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{File: name, Problems: []string{"not a valid profile: data after the profile object"}}
	}
	if problems := p.validate(); len(problems) > 0 {
		return nil, &LoadError{File: name, Problems: problems}
	}
	p.Language = SourceLanguage
	return &p, nil
}
