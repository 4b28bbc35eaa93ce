package assessment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/readiness/readiness/internal/jsonenc"
)

// Value is one validated answer. Which field is used depends on Type.
type Value struct {
	Type    string   // the question's type
	Option  string   // single and years questions
	Options []string // multi questions
	Rating  int      // rating questions
}

// MarshalJSON writes the answer as the API takes it: a key, a list of keys,
// or an integer.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case TypeRating:
		return strconv.AppendInt(nil, int64(v.Rating), 10), nil
	case TypeMulti:
		if v.Options == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.Options)
	case "":
		return []byte("null"), nil
	}
	return json.Marshal(v.Option)
}

// Keys returns the option keys the answer selects (a rating as its level key).
func (v Value) Keys() []string {
	switch v.Type {
	case TypeRating:
		return []string{strconv.Itoa(v.Rating)}
	case TypeMulti:
		return v.Options
	case "":
		return nil
	}
	return []string{v.Option}
}

// Selects reports whether the answer chooses the option key; a rating
// selects its level's key.
func (v Value) Selects(key string) bool {
	switch v.Type {
	case TypeRating:
		n, err := strconv.Atoi(key)
		return err == nil && n == v.Rating
	case TypeMulti:
		return slices.Contains(v.Options, key)
	case "":
		return false
	}
	return v.Option == key
}

// Answers are a complete or partial set of validated answers by question id.
type Answers map[string]Value

// Problem is one thing wrong with a set of answers, for a person to read.
type Problem struct {
	Question string `json:"question"`
	Problem  string `json:"problem"`
}

// Submission is the body the API takes to score answers.
type Submission struct {
	Profile string                     `json:"profile"`
	Answers map[string]json.RawMessage `json:"answers"`
}

// Visible reports whether q is shown given the answers so far.
func (p *Profile) Visible(q *Question, a Answers) bool {
	if q.ShowIf == nil {
		return true
	}
	v, ok := a[q.ShowIf.Question]
	if !ok {
		return false
	}
	for _, key := range q.ShowIf.In {
		if v.Selects(key) {
			return true
		}
	}
	return false
}

// Points is what an answer to q is worth, 0–4.
func (p *Profile) Points(q *Question, v Value) int {
	switch q.Type {
	case TypeRating:
		return v.Rating
	case TypeMulti:
		held := 0
		for _, key := range v.Options {
			if o, ok := p.Option(q, key); ok && !o.Exclusive {
				held++
			}
		}
		if held >= len(q.CountPoints) {
			held = len(q.CountPoints) - 1
		}
		return q.CountPoints[held]
	}
	o, _ := p.Option(q, v.Option)
	return o.Points
}

// Parse validates raw answers against the profile. It returns every valid
// answer to a shown question, and every problem: a missing answer, an unknown
// question or option, a wrong type, a rating out of range, an exclusive option
// combined with others, a repeated option. Answers to hidden questions are
// ignored. The answers may be scored only when there are no problems.
func (p *Profile) Parse(raw map[string]json.RawMessage) (Answers, []Problem) {
	byIndex := make([][]byte, len(p.Questions))
	for i := range p.Questions {
		if data, ok := raw[p.Questions[i].ID]; ok {
			byIndex[i] = notAbsent(data)
		}
	}
	var unknown []string
	for id := range raw {
		if _, ok := p.questionIndex[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	return p.parse(byIndex, unknown)
}

// ParseJSON is Parse for answers given as the bytes of one valid JSON
// object (or null): the same answers and problems as Parse gives for that
// object decoded into a map, without building the map. It is the score
// API's path, where decoding into the map cost as much as validating.
// Nothing returned refers to obj.
func (p *Profile) ParseJSON(obj []byte) (Answers, []Problem) {
	var stack [64][]byte
	byIndex := stack[:0]
	if len(p.Questions) > len(stack) {
		byIndex = make([][]byte, 0, len(p.Questions))
	}
	byIndex = byIndex[:len(p.Questions)]
	var unknown []string
	if i := skipSpace(obj, 0); i < len(obj) && obj[i] == '{' {
		for i = skipSpace(obj, i+1); obj[i] != '}'; {
			keyEnd := skipString(obj, i)
			qi, known := 0, false
			var key string
			if k := obj[i+1 : keyEnd-1]; plainASCII(k) {
				qi, known = p.questionIndex[string(k)] // no allocation
				if !known {
					key = string(k)
				}
			} else {
				key = unquote(obj[i:keyEnd])
				qi, known = p.questionIndex[key]
			}
			i = skipSpace(obj, skipSpace(obj, keyEnd)+1)
			end := skipValue(obj, i)
			if known {
				byIndex[qi] = obj[i:end] // never empty; later duplicates win
			} else {
				unknown = append(unknown, key)
			}
			i = skipSpace(obj, end)
			if obj[i] == ',' {
				i = skipSpace(obj, i+1)
			}
		}
	}
	slices.Sort(unknown)
	return p.parse(byIndex, slices.Compact(unknown)) // one problem per id, as from a map
}

// notAbsent keeps an empty value (possible only in a map built by hand)
// apart from a missing one, which parse marks as nil.
func notAbsent(data []byte) []byte {
	if data == nil {
		return []byte{}
	}
	return data
}

// parse validates the raw answer to each question, by question index (nil
// where there is none), and reports the unknown question ids.
func (p *Profile) parse(raw [][]byte, unknown []string) (Answers, []Problem) {
	answers := make(Answers, len(p.Questions))
	var problems []Problem
	for i := range p.Questions {
		q := &p.Questions[i]
		if !p.Visible(q, answers) {
			continue
		}
		data := raw[i]
		if data == nil || isNull(data) {
			if q.ShowIf != nil {
				if _, hasParent := answers[q.ShowIf.Question]; !hasParent {
					continue // the question it depends on is itself missing or wrong
				}
			}
			problems = append(problems, Problem{q.ID, p.missingMessage(q)})
			continue
		}
		v, problem := p.parseValue(q, data)
		if problem != "" {
			problems = append(problems, Problem{q.ID, problem})
			continue
		}
		answers[q.ID] = v
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		problems = append(problems, Problem{id, "is not a question of this assessment"})
	}
	return answers, problems
}

func isNull(data json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(data), []byte("null"))
}

func (p *Profile) missingMessage(q *Question) string {
	switch q.Type {
	case TypeMulti:
		for _, o := range q.Options {
			if o.Exclusive {
				return fmt.Sprintf("is required: choose at least one option, or %q", o.Key)
			}
		}
		return "is required: choose at least one option"
	case TypeRating:
		return "is required: choose a level from 0 to 4"
	}
	return "is required: choose an option"
}

func (p *Profile) parseValue(q *Question, data json.RawMessage) (Value, string) {
	data = bytes.TrimSpace(data)
	switch q.Type {
	case TypeRating:
		n, err := strconv.Atoi(string(data))
		if err != nil || n < 0 || n > MaxPoints {
			return Value{}, "must be an integer from 0 to 4"
		}
		return Value{Type: TypeRating, Rating: n}, ""
	case TypeMulti:
		keys, ok := p.plainKeys(q, data)
		if !ok {
			if err := json.Unmarshal(data, &keys); err != nil {
				return Value{}, "must be a list of option keys: " + p.keyList(q)
			}
		}
		if len(keys) == 0 {
			return Value{}, p.missingMessage(q)
		}
		opts := p.OptionsOf(q)
		seen := make([]bool, len(opts))
		exclusive := ""
		for _, key := range keys {
			j := optionIndex(opts, key)
			if j < 0 {
				return Value{}, fmt.Sprintf("%q is not an option; choose from: %s", key, p.keyList(q))
			}
			if seen[j] {
				return Value{}, fmt.Sprintf("%q is chosen more than once", key)
			}
			seen[j] = true
			if opts[j].Exclusive {
				exclusive = key
			}
		}
		if exclusive != "" && len(keys) > 1 {
			return Value{}, fmt.Sprintf("%q cannot be combined with other options", exclusive)
		}
		return Value{Type: TypeMulti, Options: keys}, ""
	}
	// The usual answer is a plain key, matched without decoding; the option's
	// own key string is kept, so a valid answer allocates nothing.
	if o, ok := matchPlainKey(p.OptionsOf(q), data); ok {
		return Value{Type: q.Type, Option: o.Key}, ""
	}
	key, ok := decodeString(data)
	if !ok {
		return Value{}, "must be one option key: " + p.keyList(q)
	}
	if _, ok := p.Option(q, key); !ok {
		return Value{}, fmt.Sprintf("%q is not an option; choose from: %s", key, p.keyList(q))
	}
	return Value{Type: q.Type, Option: key}, ""
}

func decodeString(data []byte) (string, bool) {
	var s string
	err := json.Unmarshal(data, &s)
	return s, err == nil
}

func optionIndex(opts []Option, key string) int {
	for i := range opts {
		if opts[i].Key == key {
			return i
		}
	}
	return -1
}

// matchPlainKey finds the option whose key is the JSON string data, when
// data is a quoted key without escapes.
func matchPlainKey(opts []Option, data []byte) (*Option, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return nil, false
	}
	key := data[1 : len(data)-1]
	if !plainASCII(key) {
		return nil, false
	}
	for i := range opts {
		if opts[i].Key == string(key) {
			return &opts[i], true
		}
	}
	return nil, false
}

// plainKeys reads a JSON list of plain option keys of q, such as
// ["b2c", "b2b"], using the options' own key strings. It reports false for
// anything else (escapes, unknown keys, other types), which the caller
// decodes the slow way for its exact problem.
func (p *Profile) plainKeys(q *Question, data []byte) ([]string, bool) {
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' {
		return nil, false
	}
	opts := p.OptionsOf(q)
	n := 0
	for _, c := range data {
		if c == ',' {
			n++
		}
	}
	keys := make([]string, 0, n+1)
	i := skipSpace(data, 1)
	for data[i] != ']' {
		if data[i] != '"' {
			return nil, false
		}
		end := i + 1
		for end < len(data) && data[end] != '"' && data[end] != '\\' {
			end++
		}
		if end >= len(data) || data[end] != '"' {
			return nil, false
		}
		o, ok := matchPlainKey(opts, data[i:end+1])
		if !ok {
			return nil, false
		}
		keys = append(keys, o.Key)
		i = skipSpace(data, end+1)
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
			if data[i] == ']' {
				return nil, false // trailing comma: not JSON
			}
		case ']':
		default:
			return nil, false
		}
	}
	if i != len(data)-1 {
		return nil, false
	}
	return keys, true
}

func (p *Profile) keyList(q *Question) string {
	opts := p.OptionsOf(q)
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return strings.Join(keys, ", ")
}

// RawFromForm turns the form fields of the given questions (named by question
// id; a multi question repeats its field) into raw answers as the API takes
// them. Fields left empty are left out, so validation reports them missing.
func RawFromForm(form url.Values, questions []*Question) map[string]json.RawMessage {
	raw := make(map[string]json.RawMessage, len(questions))
	for _, q := range questions {
		vals := form[q.ID]
		var nonEmpty []string
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				nonEmpty = append(nonEmpty, v)
			}
		}
		if len(nonEmpty) == 0 {
			continue
		}
		var data []byte
		switch q.Type {
		case TypeMulti:
			data, _ = json.Marshal(nonEmpty)
		case TypeRating:
			if n, err := strconv.Atoi(nonEmpty[0]); err == nil {
				data = strconv.AppendInt(nil, int64(n), 10)
			} else {
				data, _ = json.Marshal(nonEmpty[0])
			}
		default:
			data, _ = json.Marshal(nonEmpty[0])
		}
		raw[q.ID] = data
	}
	return raw
}

// Raw turns validated answers back into raw answers.
func (a Answers) Raw() map[string]json.RawMessage {
	raw := make(map[string]json.RawMessage, len(a))
	for id, v := range a {
		data, _ := v.MarshalJSON()
		raw[id] = data
	}
	return raw
}

// UnmarshalJSON reads an answer back from a stored result. A number is a
// rating, a list a multi answer, a string a single or years answer.
func (v *Value) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case isNull(data):
		*v = Value{}
	case len(data) > 0 && data[0] == '[':
		var keys []string
		if err := json.Unmarshal(data, &keys); err != nil {
			return err
		}
		*v = Value{Type: TypeMulti, Options: keys}
	case len(data) > 0 && data[0] == '"':
		var key string
		if err := json.Unmarshal(data, &key); err != nil {
			return err
		}
		*v = Value{Type: TypeSingle, Option: key}
	default:
		n, err := strconv.Atoi(string(data))
		if err != nil {
			return fmt.Errorf("answer %s is not a key, a list or an integer", data)
		}
		*v = Value{Type: TypeRating, Rating: n}
	}
	return nil
}

// AppendJSON appends the answer as MarshalJSON writes it, without
// allocating for ratings and single keys.
func (v Value) AppendJSON(b []byte) []byte {
	switch v.Type {
	case TypeRating:
		return jsonenc.Int(b, int64(v.Rating))
	case TypeMulti:
		b = append(b, '[')
		for i, k := range v.Options {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.String(b, k)
		}
		return append(b, ']')
	case "":
		return append(b, "null"...)
	}
	return jsonenc.String(b, v.Option)
}

// AppendJSON appends the answers as encoding/json writes the map: keys in
// sorted order.
func (a Answers) AppendJSON(b []byte) []byte {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.String(b, k)
		b = append(b, ':')
		b = a[k].AppendJSON(b)
	}
	return append(b, '}')
}
