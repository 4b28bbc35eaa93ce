package db

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sync"

	kflate "github.com/klauspost/compress/flate"
	"gorm.io/gorm"
)

// Stored results and their answers are JSON, kept byte for byte: a result
// displays (and its API answer reads) exactly as it was scored, whatever
// the profile or the scorer says later. They are packed to a tenth of
// their size with DEFLATE and a preset dictionary: most of a result is the
// same step texts, names and keys as every other result of the profile,
// and the dictionary holds them once. See docs/PERFORMANCE.md for the
// measurements (about 8 KB a result before, under 1.5 KB with everything).
//
// A packed value is one format byte and the DEFLATE stream. A value that
// starts with a JSON character is stored as it is (rows from before
// packing, or a copy made by an older version); reading accepts both.
//
// A dictionary, once used, must never change: rows name it by their format
// byte. A better one for a new profile is a new file and a new byte.

// packedDict1 is format 1's dictionary: the answers and result of a typical
// submission to the built-in profile, with every step's text.
//
//go:embed dict/results-1.json
var packedDict1 []byte

// formatDict1 is the format byte of DEFLATE with packedDict1.
const formatDict1 byte = 1

// packLevel is DEFLATE's level. Packing is klauspost/compress's DEFLATE
// (read back by the standard library's): the standard library's writer
// cleared 640 KB of hash tables and hashed the whole dictionary for every
// value, 36 µs a result, a fifth of a submission's server CPU; this one at
// level 1 primes its small table with the dictionary in 21 µs and packs as
// small (docs/PERFORMANCE.md, round 2). The standard library's level 1
// would ignore the dictionary.
const packLevel = 1

var (
	packers = sync.Pool{New: func() any {
		w, _ := kflate.NewWriterDict(io.Discard, packLevel, packedDict1)
		return w
	}}
	unpackers = sync.Pool{New: func() any {
		return flate.NewReaderDict(bytes.NewReader(nil), packedDict1)
	}}
)

// packJSON packs a JSON value for storing. Empty input stays empty.
func packJSON(j []byte) []byte {
	if len(j) == 0 {
		return j
	}
	var buf bytes.Buffer
	buf.Grow(len(j)/8 + 64)
	buf.WriteByte(formatDict1)
	w := packers.Get().(*kflate.Writer)
	// Reset primes the writer with the dictionary, most of a pack's CPU,
	// so the writer goes back to the pool still pointing at buf rather than
	// being reset a second time; the next user resets it to their own
	// buffer before writing anything.
	w.Reset(&buf)
	w.Write(j) // writes to a bytes.Buffer do not fail
	w.Close()
	packers.Put(w)
	return buf.Bytes()
}

var errUnknownFormat = errors.New("db: stored value has an unknown format")

// unpackJSON returns the JSON a stored value holds: itself when it was
// stored as JSON, else what packJSON packed.
func unpackJSON(b []byte) ([]byte, error) {
	if len(b) == 0 || !isPacked(b) {
		return b, nil
	}
	if b[0] != formatDict1 {
		return nil, fmt.Errorf("%w (%d)", errUnknownFormat, b[0])
	}
	r := unpackers.Get().(io.ReadCloser)
	defer unpackers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b[1:]), packedDict1); err != nil {
		return nil, err
	}
	out := bytes.NewBuffer(make([]byte, 0, 8*len(b)))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("db: unpack stored value: %w", err)
	}
	return out.Bytes(), nil
}

// isPacked tells a packed value from JSON: packed ones start with a format
// byte, a control character that JSON text never starts with.
func isPacked(b []byte) bool {
	return len(b) > 0 && b[0] < 0x20 && b[0] != '\t' && b[0] != '\n' && b[0] != '\r'
}

// packStoredResults is migration 11's Go step: it packs the answers and
// result of every stored and visitor result still held as JSON, a few
// hundred rows at a time.
func packStoredResults(tx *gorm.DB) error {
	for _, table := range []string{"assessments", "visitor_results"} {
		last := int64(0)
		for {
			var rows []struct {
				ID      int64
				Answers []byte
				Result  []byte
			}
			// table is one of the two names above, never input.
			err := tx.Raw("SELECT id, answers, result FROM "+table+" WHERE id > ? ORDER BY id LIMIT 500", last).Scan(&rows).Error
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				last = r.ID
				if isPacked(r.Answers) && isPacked(r.Result) {
					continue
				}
				answers, result := r.Answers, r.Result
				if !isPacked(answers) {
					answers = packJSON(answers)
				}
				if !isPacked(result) {
					result = packJSON(result)
				}
				if err := tx.Exec("UPDATE "+table+" SET answers = ?, result = ? WHERE id = ?", answers, result, r.ID).Error; err != nil {
					return err
				}
			}
		}
	}
	return nil
}
