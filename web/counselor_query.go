package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// caseloadPageSize is the caseload page length, on the page and in the API.
const caseloadPageSize = 50

// maxSearchChars bounds the caseload and users search boxes.
const maxSearchChars = 100

// caseloadParams are the caseload's filters, sort and page, as the page's
// GET form, the API and the CSV link all spell them.
type caseloadParams struct {
	Q         string
	Group     string
	Band      string
	Flagged   bool
	Attention bool
	Sort      string // a db.SortBy* column; "" is name
	Desc      bool
	Page      int
}

// parseCaseloadParams reads the query string; every problem names its field.
func (s *site) parseCaseloadParams(c *gin.Context) (caseloadParams, []problem) {
	p := caseloadParams{Page: 1}
	var problems []problem
	p.Q = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		problems = append(problems, fieldProblem("q", s.T(c, "problem.max_text", "Max", maxSearchChars)))
		p.Q = ""
	}
	if g, err := account.CheckGroup(c.Query("group")); err != nil {
		problems = append(problems, s.accountProblem(c, err))
	} else {
		p.Group = g
	}
	if b := c.Query("band"); b != "" {
		if _, ok := s.profile.Band(b); ok || b == db.BandNone {
			p.Band = b
		} else {
			problems = append(problems, fieldProblem("band", s.T(c, "problem.one_of", "List", s.bandList())))
		}
	}
	var ok bool
	if p.Flagged, ok = parseBoolParam(c.Query("flagged")); !ok {
		problems = append(problems, fieldProblem("flagged", s.T(c, "problem.bool")))
	}
	if p.Attention, ok = parseBoolParam(c.Query("needs_attention")); !ok {
		problems = append(problems, fieldProblem("needs_attention", s.T(c, "problem.bool")))
	}
	if v := c.Query("sort"); v != "" {
		col, desc := strings.CutPrefix(v, "-")
		if col == "" || !db.ValidCaseloadSort(col) {
			problems = append(problems, fieldProblem("sort", s.T(c, "problem.caseload_sort", "Sorts", strings.Join(db.CaseloadSorts, ", "))))
		} else {
			p.Sort, p.Desc = col, desc
		}
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			problems = append(problems, fieldProblem("page", s.T(c, "problem.page")))
		} else {
			p.Page = n
		}
	}
	return p, problems
}

func (s *site) bandList() string {
	var ids []string
	for _, b := range s.profile.Bands {
		ids = append(ids, b.ID)
	}
	return strings.Join(append(ids, db.BandNone), ", ")
}

// query is the store query for one page of these params.
func (s *site) caseloadQuery(p caseloadParams) db.CaseloadQuery {
	return db.CaseloadQuery{
		Q: p.Q, Group: p.Group, Band: p.Band, FlaggedOnly: p.Flagged, NeedsAttention: p.Attention,
		Sort: p.Sort, Desc: p.Desc, Now: s.now(),
		Limit: caseloadPageSize, Offset: (p.Page - 1) * caseloadPageSize,
	}
}

// values spells the params as a query string; page 1 and defaults are left out.
func (p caseloadParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Group != "" {
		v.Set("group", p.Group)
	}
	if p.Band != "" {
		v.Set("band", p.Band)
	}
	if p.Flagged {
		v.Set("flagged", "true")
	}
	if p.Attention {
		v.Set("needs_attention", "true")
	}
	if p.Sort != "" {
		if p.Desc {
			v.Set("sort", "-"+p.Sort)
		} else {
			v.Set("sort", p.Sort)
		}
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

func (p caseloadParams) url(path string) string {
	if q := p.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

func (p caseloadParams) Filtered() bool {
	return p.Q != "" || p.Group != "" || p.Band != "" || p.Flagged || p.Attention
}

// sortHeader is one column heading: links that sort by it, and aria-sort
// on the column the table is sorted by. The first column holds the name and
// the email, so its heading has a link for each.
type sortHeader struct {
	Links    []sortLink
	AriaSort string // "ascending", "descending" or "" when not sorted by it
	Num      bool
}

// sortLink sorts by one key; Arrow marks the key the table is sorted by.
type sortLink struct {
	Label, URL, Arrow string
}

// caseloadColumns are the sortable columns in table order, each with its
// keys. Numbers and dates sort high-to-low on the first click, text A–Z.
// Each label is the catalog's "counselor.sort.<key>".
var caseloadColumns = []struct {
	keys []string
	num  bool
}{
	{[]string{db.SortByName, db.SortByEmail}, false},
	{[]string{db.SortByGroup}, false},
	{[]string{db.SortByAttempts}, true},
	{[]string{db.SortByOverall}, true},
	{[]string{db.SortByVerified}, true},
	{[]string{db.SortByDelta}, true},
	{[]string{db.SortByActivity}, false},
	{[]string{db.SortByFlagged}, false},
}

func (p caseloadParams) headers(pr *i18n.Printer) []sortHeader {
	current := p.Sort
	if current == "" {
		current = db.SortByName
	}
	var out []sortHeader
	for _, col := range caseloadColumns {
		h := sortHeader{Num: col.num}
		for _, key := range col.keys {
			l := sortLink{Label: pr.T("counselor.sort." + key)}
			next := p
			next.Page, next.Sort = 1, key
			if key == current {
				h.AriaSort, l.Arrow = "ascending", "▲"
				if p.Desc {
					h.AriaSort, l.Arrow = "descending", "▼"
				}
				next.Desc = !p.Desc
			} else {
				next.Desc = key != db.SortByName && key != db.SortByEmail && key != db.SortByGroup
			}
			if next.Sort == db.SortByName && !next.Desc {
				next.Sort = ""
			}
			l.URL = next.url("/counselor")
			h.Links = append(h.Links, l)
		}
		out = append(out, h)
	}
	return out
}

type bandOption struct {
	ID, Name string
	Selected bool
}

func (s *site) bandOptions(c *gin.Context, selected string) []bandOption {
	var out []bandOption
	for _, b := range s.profileIn(c, s.profile).Bands {
		out = append(out, bandOption{b.ID, b.Name, b.ID == selected})
	}
	return append(out, bandOption{db.BandNone, s.T(c, "counselor.no_attempt"), selected == db.BandNone})
}
