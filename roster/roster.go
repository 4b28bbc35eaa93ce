// Package roster reads the CSV files admins import to create many accounts
// at once: header email,name,role,group,counselor_email. It checks each row
// with the account rules and reports every problem by row and field; what
// only the database can tell (an email already registered, whether a
// counselor exists) the store checks. It is pure: no web, no storage.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/readiness/readiness/account"
)

// The columns of a roster. Email and name are required; role (default
// learner), group and counselor_email may be left out or left empty.
const (
	ColEmail     = "email"
	ColName      = "name"
	ColRole      = "role"
	ColGroup     = "group"
	ColCounselor = "counselor_email"
)

// Columns lists every column, in the order of the template header.
var Columns = []string{ColEmail, ColName, ColRole, ColGroup, ColCounselor}

// MaxRows is the most people one file may hold.
const MaxRows = 10_000

// Row is one person to create, tidied by the account rules. Line is the
// row's number as a spreadsheet shows it: the header is row 1.
type Row struct {
	Line           int
	Email          string // normalised
	Name           string
	Role           string // a valid role; "" in the file is a learner
	Group          string // "" for none; only learners have one
	CounselorEmail string // normalised, "" for none; only for learners
}

// Problem is what is wrong with one field of one row. Row 1 is the header.
type Problem struct {
	Row     int
	Field   string
	Problem string
}

// FileError is a file that cannot be read as a roster at all: no header,
// a missing or unknown column, text that is not UTF-8, broken quoting or
// too many rows. Nothing in it is imported.
type FileError struct {
	Problems []Problem
}

func (e *FileError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("row %d, %s: %s", p.Row, p.Field, p.Problem))
	}
	return "roster: " + strings.Join(parts, "; ")
}

func fileError(row int, field, msg string) *FileError {
	return &FileError{Problems: []Problem{{Row: row, Field: field, Problem: msg}}}
}

// Parse reads a roster (UTF-8, with or without a byte-order mark, lines
// ending in CRLF or LF, fields quoted or not) and returns the rows the
// account rules accept and a problem for each field they refuse; a row
// with a problem is not returned. A row whose email appeared on an earlier
// row is refused, naming that row. Blank rows are skipped. A file that
// cannot be read as a roster is a *FileError.
func Parse(data []byte) ([]Row, []Problem, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, nil, fileError(1, "file", "is not UTF-8 text: save the spreadsheet as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // rows of any length: each is checked below
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fileError(1, "file", "is empty: the first row must be the header "+strings.Join(Columns, ","))
	}
	if err != nil {
		return nil, nil, csvError(err)
	}
	cols, ferr := readHeader(header)
	if ferr != nil {
		return nil, nil, ferr
	}
	var (
		rows     []Row
		problems []Problem
		seen     = map[string]int{} // email → the row it first appeared on
		people   int
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		// The row number is the file's line, which is the spreadsheet's row
		// for any file a spreadsheet wrote (names never hold line breaks).
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if people++; people > MaxRows {
			return nil, nil, fileError(line, "file", fmt.Sprintf("has more than %d people: split it into several files", MaxRows))
		}
		if len(rec) > len(header) {
			problems = append(problems, Problem{line, "row", fmt.Sprintf("has %d fields, but the header has %d: check for a stray comma or an unquoted comma inside a name", len(rec), len(header))})
			continue
		}
		row, ps := checkRow(line, cols, rec)
		if row.Email != "" {
			if first, dup := seen[row.Email]; dup {
				ps = append(ps, Problem{line, ColEmail, fmt.Sprintf("appears again: it is on row %d already", first)})
			} else {
				seen[row.Email] = line
			}
		}
		if len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		rows = append(rows, row)
	}
	return rows, problems, nil
}

// readHeader maps each known column to its position; column names are
// trimmed and compared in any case.
func readHeader(header []string) (map[string]int, *FileError) {
	cols := map[string]int{}
	var problems []Problem
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			problems = append(problems, Problem{1, "header", fmt.Sprintf("column %d has no name: the columns are %s", i+1, strings.Join(Columns, ", "))})
		case !known(name):
			problems = append(problems, Problem{1, name, "is not a roster column: the columns are " + strings.Join(Columns, ", ")})
		default:
			if _, dup := cols[name]; dup {
				problems = append(problems, Problem{1, name, "is in the header twice"})
			}
			cols[name] = i
		}
	}
	for _, req := range []string{ColEmail, ColName} {
		if _, ok := cols[req]; !ok {
			problems = append(problems, Problem{1, req, "is missing from the header: it must have " + ColEmail + " and " + ColName + " at least"})
		}
	}
	if len(problems) > 0 {
		return nil, &FileError{Problems: problems}
	}
	return cols, nil
}

func known(col string) bool {
	for _, c := range Columns {
		if c == col {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvError is a file whose quoting cannot be read, naming the row.
func csvError(err error) *FileError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError(pe.StartLine, "file", "cannot be read as CSV here ("+pe.Err.Error()+"): check the quotes on this row")
	}
	return fileError(1, "file", "cannot be read as CSV: "+err.Error())
}

// checkRow applies the account rules to one row.
func checkRow(line int, cols map[string]int, rec []string) (Row, []Problem) {
	get := func(col string) string {
		if i, ok := cols[col]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var ps []Problem
	add := func(err error) {
		var p *account.Problem
		if errors.As(account.Theirs(err), &p) {
			ps = append(ps, Problem{line, p.Field, p.Message})
		}
	}
	row := Row{Line: line}
	var err error
	if row.Email, err = account.NormalizeEmail(get(ColEmail)); err != nil {
		add(err)
	}
	if row.Name, err = account.CheckName(get(ColName)); err != nil {
		add(err)
	}
	row.Role = strings.ToLower(strings.TrimSpace(get(ColRole)))
	if row.Role == "" {
		row.Role = account.RoleLearner
	}
	validRole := account.ValidRole(row.Role)
	if !validRole {
		ps = append(ps, Problem{line, ColRole, fmt.Sprintf("%q is not a role: use learner, counselor or admin (empty is learner)", strings.TrimSpace(get(ColRole)))})
	}
	if row.Group, err = account.CheckGroup(get(ColGroup)); err != nil {
		add(err)
	} else if row.Group != "" && validRole && row.Role != account.RoleLearner {
		ps = append(ps, Problem{line, ColGroup, "only learners belong to a group: leave it empty for a " + row.Role})
	}
	if c := strings.TrimSpace(get(ColCounselor)); c != "" {
		e, err := account.NormalizeEmail(c)
		switch {
		case err != nil:
			var p *account.Problem
			errors.As(err, &p)
			ps = append(ps, Problem{line, ColCounselor, p.Message})
		case validRole && row.Role != account.RoleLearner:
			ps = append(ps, Problem{line, ColCounselor, "only learners are linked to a counselor: leave it empty for a " + row.Role})
		case e == row.Email:
			ps = append(ps, Problem{line, ColCounselor, "is the person's own email"})
		default:
			row.CounselorEmail = e
		}
	}
	return row, ps
}
