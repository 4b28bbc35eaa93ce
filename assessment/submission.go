package assessment

import (
	"encoding/json"
)

// UnmarshalJSON decodes a submission exactly as encoding/json would, only
// faster on the usual body: the answers object is split in place, with one
// copy for all the raw answers instead of a copy and a reflect allocation
// per answer (decoding was two thirds of the cost of scoring a request).
// Anything unusual (escaped or non-ASCII field names, a field of the wrong
// type, many fields) takes the standard path.
func (s *Submission) UnmarshalJSON(data []byte) error {
	if s.decodeFast(data) {
		return nil
	}
	// The same struct without this method, under the same name, so that
	// errors read exactly as they did before the method existed.
	type Submission struct {
		Profile string                     `json:"profile"`
		Answers map[string]json.RawMessage `json:"answers"`
	}
	return json.Unmarshal(data, (*Submission)(s))
}

type member struct {
	field      int // fieldProfile, fieldAnswers or fieldOther
	start, end int // the value's bytes
}

const (
	fieldOther = iota
	fieldProfile
	fieldAnswers
)

// decodeFast decodes data when it is a JSON object whose members it can
// handle, and reports whether it did.
//
// Like every json.Unmarshaler it may assume data is valid JSON, as
// encoding/json checks before calling it; called directly with anything
// else, its scanners may run off the end, and it leaves the error to the
// standard path.
func (s *Submission) decodeFast(data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	i := skipSpace(data, 0)
	if data[i] == 'n' {
		return true // null: no change, as for any struct
	}
	var members [4]member
	n, ok := splitMembers(data, &members)
	if !ok {
		return false
	}
	for _, m := range members[:n] {
		v := data[m.start:m.end]
		switch {
		case m.field == fieldProfile && v[0] == '"':
			s.Profile = string(v[1 : len(v)-1])
		case m.field == fieldAnswers && v[0] == 'n':
			s.Answers = nil
		case m.field == fieldAnswers:
			s.Answers = splitObject(v, s.Answers)
		}
	}
	return true
}

// SplitSubmission finds the profile id and the answers object in a
// submission body that is valid JSON, for Profile.ParseJSON: the same
// submission json.Unmarshal would make, without the answers map. It
// reports false for a body it leaves to encoding/json: not an object, a
// profile that is not a plain string, answers that are not an object, a
// field named twice, escaped or non-ASCII field names, many fields. The
// answers are part of data, nil when absent or null.
func SplitSubmission(data []byte) (profile string, answers []byte, ok bool) {
	defer func() {
		if recover() != nil {
			profile, answers, ok = "", nil, false
		}
	}()
	var members [4]member
	n, ok := splitMembers(data, &members)
	if !ok {
		return "", nil, false
	}
	seen := [3]bool{}
	for _, m := range members[:n] {
		if m.field != fieldOther && seen[m.field] {
			return "", nil, false // encoding/json merges repeated answers
		}
		seen[m.field] = true
		v := data[m.start:m.end]
		switch {
		case m.field == fieldProfile && v[0] == '"':
			profile = string(v[1 : len(v)-1])
		case m.field == fieldAnswers && v[0] == '{':
			answers = v
		}
	}
	return profile, answers, true
}

// splitMembers finds the members of the JSON object data, reporting false
// when there are more than fit or any it cannot take without
// encoding/json: a name that is not plain ASCII, a profile that is not null
// or a plain string, answers that are not null or an object.
func splitMembers(data []byte, members *[4]member) (n int, ok bool) {
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return 0, false
	}
	i = skipSpace(data, i+1)
	for data[i] != '}' {
		keyEnd := skipString(data, i)
		key := data[i+1 : keyEnd-1]
		if i = skipSpace(data, keyEnd); data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		end := skipValue(data, i)
		if n == len(members) || !plainASCII(key) {
			return 0, false
		}
		m := member{field: fieldOther, start: i, end: end}
		// encoding/json matches field names without regard to case.
		switch {
		case equalFoldASCII(key, "profile"):
			m.field = fieldProfile
			if c := data[i]; c != 'n' && (c != '"' || !plainASCII(data[i+1:end-1])) {
				return 0, false
			}
		case equalFoldASCII(key, "answers"):
			m.field = fieldAnswers
			if c := data[i]; c != 'n' && c != '{' {
				return 0, false
			}
		}
		members[n] = m
		n++
		i = skipSpace(data, end)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	if skipSpace(data, i+1) != len(data) {
		return 0, false
	}
	return n, true
}

// splitObject adds the members of a valid JSON object to raw, each value a
// slice of one copy of obj. Later duplicates win, as in encoding/json.
func splitObject(obj []byte, raw map[string]json.RawMessage) map[string]json.RawMessage {
	obj = append([]byte(nil), obj...)
	if raw == nil {
		count := 0
		for i := skipSpace(obj, 1); obj[i] != '}'; count++ {
			i = skipSpace(obj, skipString(obj, i))
			i = skipSpace(obj, skipValue(obj, skipSpace(obj, i+1)))
			if obj[i] == ',' {
				i = skipSpace(obj, i+1)
			}
		}
		raw = make(map[string]json.RawMessage, count)
	}
	for i := skipSpace(obj, 1); obj[i] != '}'; {
		keyEnd := skipString(obj, i)
		key := unquote(obj[i:keyEnd])
		i = skipSpace(obj, skipSpace(obj, keyEnd)+1)
		end := skipValue(obj, i)
		raw[key] = obj[i:end:end]
		i = skipSpace(obj, end)
		if obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return raw
}

// unquote decodes a valid JSON string.
func unquote(quoted []byte) string {
	if k := quoted[1 : len(quoted)-1]; plainASCII(k) {
		return string(k)
	}
	var s string
	_ = json.Unmarshal(quoted, &s) // cannot fail: quoted is a valid JSON string
	return s
}

// The scanners below assume valid JSON and return the index just past
// what they skip.

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

func skipString(data []byte, i int) int {
	for i++; data[i] != '"'; i++ {
		if data[i] == '\\' {
			i++
		}
	}
	return i + 1
}

func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// plainASCII reports whether a string's bytes decode to themselves: printable
// ASCII, no escapes.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// equalFoldASCII compares ASCII b with lower-case name, ignoring case.
func equalFoldASCII(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
