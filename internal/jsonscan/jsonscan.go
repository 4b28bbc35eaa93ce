// Package jsonscan checks that a request body is one well-formed JSON value
// in UTF-8, in a single pass.
//
// encoding/json reads a body several times before a json.Unmarshaler sees
// it (once to find the value's end, once more to skip it for the
// Unmarshaler) and then the caller checks the UTF-8 on its own; for the
// score API that was about a tenth of the server's time. Valid does all of
// it at once. It is used only to pick the fast path: a body it refuses goes
// the standard way, so errors read as they always did.
package jsonscan

import "unicode/utf8"

// maxDepth bounds nesting. Deeper bodies are refused here and left to
// encoding/json, which has its own limit and error.
const maxDepth = 64

// plain marks the bytes that stand for themselves inside a JSON string:
// printable ASCII other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Valid reports whether data is exactly one JSON value (RFC 8259), with
// only whitespace around it, whose bytes are valid UTF-8 throughout and whose
// nesting is at most 64 deep. Whenever it reports true, json.Valid and
// utf8.Valid do too.
func Valid(data []byte) bool {
	s := scanner{data: data}
	s.space()
	if !s.value(0) {
		return false
	}
	s.space()
	return s.i == len(data)
}

type scanner struct {
	data []byte
	i    int
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one value at s.i, leaving s.i just past it.
func (s *scanner) value(depth int) bool {
	if s.i >= len(s.data) {
		return false
	}
	switch c := s.data[s.i]; {
	case c == '"':
		return s.string()
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

func (s *scanner) object(depth int) bool {
	return s.list(depth, '}', func() bool {
		if s.i >= len(s.data) || s.data[s.i] != '"' || !s.string() {
			return false
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return false
		}
		s.i++
		s.space()
		return s.value(depth)
	})
}

func (s *scanner) array(depth int) bool {
	return s.list(depth, ']', func() bool { return s.value(depth) })
}

// list scans an object or array from its opening byte to close: items
// separated by commas, each scanned by item.
func (s *scanner) list(depth int, close byte, item func() bool) bool {
	if depth > maxDepth {
		return false
	}
	s.i++ // the opening { or [
	s.space()
	if s.i < len(s.data) && s.data[s.i] == close {
		s.i++
		return true
	}
	for {
		if !item() {
			return false
		}
		s.space()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			s.space()
		case close:
			s.i++
			return true
		default:
			return false
		}
	}
}

// string scans a string starting at its opening quote.
func (s *scanner) string() bool {
	d := s.data
	i := s.i + 1
	for i < len(d) {
		c := d[i]
		if plain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			return true
		case c == '\\':
			if i+1 >= len(d) {
				return false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) || !isHex(d[i+5]) {
					return false
				}
				i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default: // a multi-byte UTF-8 sequence
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
			i += size
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	d := s.data
	i := s.i
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

func (s *scanner) literal(word string) bool {
	if len(s.data)-s.i < len(word) || string(s.data[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}
