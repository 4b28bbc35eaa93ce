package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// caseloadCSVHeader names the export's columns.
// group came last, so columns that were there before keep their places.
// The API's CSV keeps these names and the ids in its cells whatever the
// language; the page's download, for a person, has each column's heading
// from the catalog ("csv.<column>") and band names and words in the
// reader's language. Numbers and dates are written the same in both, so a
// spreadsheet reads them as numbers and dates.
// The verified columns, last, are the latest result's verified score,
// beside (never in) its self score.
var caseloadCSVHeader = []string{"name", "email", "attempts", "latest_overall", "latest_band",
	"change", "last_activity", "flagged", "needs_attention", "group", "verified_overall", "verified_band"}

// csvWords turns ids into words in a CSV; the zero value keeps the ids.
type csvWords struct {
	header          []string
	yes, no         string
	band, reason    func(id string) string
	reasonSeparator string
}

var csvIDs = csvWords{header: caseloadCSVHeader, yes: "yes", no: "no",
	band: func(id string) string { return id }, reason: func(id string) string { return id }, reasonSeparator: ";"}

// csvWordsFor is the page download's words, in the request's language.
func (s *site) csvWordsFor(c *gin.Context) csvWords {
	w := csvWords{yes: s.T(c, "csv.yes"), no: s.T(c, "csv.no"), reasonSeparator: "; ",
		band:   remembered(func(id string) string { return s.bandLabel(c, id) }),
		reason: remembered(func(id string) string { return wordsFor(s.printer(c), "attention.", id) })}
	for _, col := range caseloadCSVHeader {
		w.header = append(w.header, s.T(c, "csv."+col))
	}
	return w
}

// remembered is f answering each id once: an export asks for the same few
// bands and reasons on every row. Not safe for concurrent use.
func remembered(f func(id string) string) func(id string) string {
	seen := map[string]string{}
	return func(id string) string {
		w, ok := seen[id]
		if !ok {
			w = f(id)
			seen[id] = w
		}
		return w
	}
}

// csvText neutralises a text cell against spreadsheet formula injection:
// a cell that a spreadsheet program would read as a formula gets a leading
// apostrophe, which they show as text. That is a cell starting with = + -
// or @, or with a tab or line break, also after leading spaces, and also
// when the character is a look-alike that NFKC folds to one of them
// (fullwidth ＝＋－＠, small ﹦﹢﹣﹫, the ideographic space before them),
// since some spreadsheet programs fold them the same way. Nothing else is
// touched, and numbers we format ourselves are not passed through it, so a
// negative change stays a number.
func csvText(s string) string {
	if formulaLead(s) {
		return "'" + s
	}
	return s
}

// formulaLead reports whether s starts, after any spaces, with a
// character that makes a spreadsheet cell a formula.
func formulaLead(s string) bool {
	for _, r := range s {
		if r == '\t' || r == '\r' || r == '\n' {
			return true
		}
		if r < utf8.RuneSelf { // ASCII is its own NFKC form
			if r == ' ' {
				continue
			}
			return strings.ContainsRune("=+-@", r)
		}
		folded := norm.NFKC.String(string(r))
		if folded == " " {
			continue // a space before the formula character
		}
		return folded != "" && strings.ContainsRune("=+-@", rune(folded[0]))
	}
	return false
}

// csvNumber writes a score as the pages do (i18n.Round), always with a
// decimal point.
func csvNumber(x float64) string { return strconv.FormatFloat(i18n.Round(x, 1), 'f', 1, 64) }

func caseloadCSVRecord(e db.CaseloadEntry, words csvWords) []string {
	rec := []string{csvText(e.Name), csvText(e.Email), strconv.Itoa(e.Attempts), "", "", "", "", words.no, "", csvText(e.Group), "", ""}
	if e.LatestOverall != nil {
		rec[3] = csvNumber(*e.LatestOverall)
	}
	if e.LatestBand != nil {
		rec[4] = csvText(words.band(*e.LatestBand))
	}
	if e.PreviousOverall != nil && e.LatestOverall != nil {
		rec[5] = csvNumber(shownChange(*e.PreviousOverall, *e.LatestOverall))
	}
	if e.LastActivityAt != nil {
		rec[6] = e.LastActivityAt.UTC().Format(time.RFC3339)
	}
	if e.Flagged {
		rec[7] = words.yes
	}
	reasons := make([]string, len(e.NeedsAttention))
	for i, r := range e.NeedsAttention {
		reasons[i] = words.reason(r)
	}
	rec[8] = csvText(strings.Join(reasons, words.reasonSeparator))
	if e.VerifiedOverall != nil && e.VerifiedBand != nil {
		rec[10], rec[11] = csvNumber(*e.VerifiedOverall), csvText(words.band(*e.VerifiedBand))
	}
	return rec
}

// caseloadCSV answers every learner matching the filters (not one page) as
// RFC 4180 CSV in UTF-8 (with a byte-order mark) with a header row, in a
// file named after its filters. The same handler serves the page link and
// the API. Every learner in it is recorded in the audit log as opened by
// the counselor (db.ExportCaseload reads and records at the same time):
// the file is made in memory, about 100 bytes a learner, and sent only
// once that record is written; if it fails, nothing is sent.
func (h *caseloadHandlers) caseloadCSV(c *gin.Context) {
	p, problems := h.parseCaseloadParams(c)
	if len(problems) > 0 {
		if isAPI(c) {
			apiFail(c, http.StatusUnprocessableEntity, h.T(c, "counselor.invalid_query"), problems...)
		} else {
			h.renderError(c, http.StatusUnprocessableEntity, h.T(c, "counselor.csv_bad_filter", "Field", problems[0].Field, "Problem", problems[0].Problem))
		}
		return
	}
	q := h.caseloadQuery(p)
	var file bytes.Buffer
	// A byte-order mark first, so spreadsheet programs read the file as
	// UTF-8 (Excel shows "Chloé" as "ChloÃ©" otherwise).
	file.WriteString("\uFEFF")
	w := csv.NewWriter(&file)
	w.UseCRLF = true
	words := csvIDs
	if !isAPI(c) {
		words = h.csvWordsFor(c)
	}
	_ = w.Write(words.header)
	err := h.store.ExportCaseload(c.Request.Context(), currentUser(c).ID, q, db.ActionResultsCSV, func(e db.CaseloadEntry) error {
		return w.Write(caseloadCSVRecord(e, words))
	})
	if err == nil {
		w.Flush()
		err = w.Error()
	}
	if err != nil {
		if isAPI(c) {
			h.apiStoreError(c, err)
		} else {
			h.pageStoreError(c, err, "")
		}
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, p.csvFilename(h.now())))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", file.Bytes())
}

// csvFilename names an export after its filters and the day, e.g.
// caseload-group-class-of-2027-band-ready-flagged-2026-03-02.csv, so two
// downloads with different filters do not look alike. Only ASCII letters,
// digits and hyphens are used (accents are dropped, anything else becomes a
// hyphen), so the name is safe in a header and on every file system.
func (p caseloadParams) csvFilename(now time.Time) string {
	parts := []string{"caseload"}
	add := func(label, value string) {
		if s := fileSlug(value); s != "" {
			parts = append(parts, label+"-"+s)
		}
	}
	add("search", p.Q)
	add("group", p.Group)
	add("band", p.Band)
	if p.Flagged {
		parts = append(parts, "flagged")
	}
	if p.Attention {
		parts = append(parts, "needs-attention")
	}
	return strings.Join(parts, "-") + "-" + now.Format("2006-01-02") + ".csv"
}

// fileSlug is s in lower-case ASCII letters and digits joined by single
// hyphens, at most 40 characters.
func fileSlug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // an accent, split off by NFKD
		default:
			hyphen = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
