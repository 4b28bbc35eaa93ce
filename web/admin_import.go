package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/roster"
)

// importStore is what a roster import uses: one call that checks the rows
// against the database and creates the valid ones in one transaction.
type importStore interface {
	ImportUsers(ctx context.Context, actorID int64, rows []db.ImportRow, opts db.ImportOptions) (db.ImportResult, error)
}

// importHandlers serve roster imports: the /admin/users/import page (a CSV
// upload) and POST /api/v1/admin/users/import (a text/csv body).
type importHandlers struct {
	*site
	store importStore
}

// importPaths take a body up to Config.MaxImportBytes, read by the handler
// once the admin is known.
var importPaths = map[string]bool{"/admin/users/import": true, "/api/v1/admin/users/import": true}

// importOutcome is what an import did, or would do.
type importOutcome struct {
	DryRun      bool
	Rows        int // people in the file
	Valid       int
	Problems    []problem
	Invitations []invitation
	until       time.Time // when the invitations stop working
}

// invitation is a person an import created and the link to hand them.
type invitation struct {
	Row       int    `json:"row"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Group     string `json:"group"`
	ResetURL  string `json:"reset_url"`
	ExpiresAt string `json:"expires_at"`
}

// runImport reads a roster and imports it (or checks it, for a dry run). A
// file that is not a roster is a *roster.FileError, and nothing is done.
func (h *importHandlers) runImport(c *gin.Context, data []byte, dryRun bool) (importOutcome, error) {
	rows, problems, err := roster.Parse(data)
	if err != nil {
		return importOutcome{}, err
	}
	tokens := make(map[int]string, len(rows))
	dbRows := make([]db.ImportRow, len(rows))
	for i, r := range rows {
		dbRows[i] = db.ImportRow{Row: r.Line, Email: r.Email, Name: r.Name, Role: r.Role, Group: r.Group, CounselorEmail: r.CounselorEmail}
		if !dryRun {
			tok := account.NewResetToken()
			tokens[r.Line], dbRows[i].Link = tok.Token, db.ResetLinkOf(tok)
		}
	}
	fileRows := len(rows) + rowsWithProblems(problems)
	res, err := h.store.ImportUsers(c.Request.Context(), currentUser(c).ID, dbRows, db.ImportOptions{DryRun: dryRun, FileRows: fileRows})
	if err != nil {
		return importOutcome{}, err
	}
	out := importOutcome{DryRun: dryRun, Rows: fileRows, Valid: res.Valid}
	for _, p := range problems {
		out.Problems = append(out.Problems, problem{Row: p.Row, Field: p.Field, Problem: p.Problem})
	}
	for _, p := range res.Problems {
		out.Problems = append(out.Problems, problem{Row: p.Row, Field: p.Field, Problem: p.Problem})
	}
	sort.SliceStable(out.Problems, func(i, j int) bool { return out.Problems[i].Row < out.Problems[j].Row })
	out.until = h.now()
	for _, cr := range res.Created {
		out.until = cr.Link.ExpiresAt
		out.Invitations = append(out.Invitations, invitation{Row: cr.Row, Email: cr.User.Email, Name: cr.User.Name, Role: cr.User.Role,
			Group: cr.User.Group, ResetURL: account.ResetPath(tokens[cr.Row]), ExpiresAt: cr.Link.ExpiresAt.UTC().Format(time.RFC3339)})
	}
	sort.Slice(out.Invitations, func(i, j int) bool { return out.Invitations[i].Row < out.Invitations[j].Row })
	return out, nil
}

// rowsWithProblems counts the rows the problems are about.
func rowsWithProblems(ps []roster.Problem) int {
	rows := map[int]bool{}
	for _, p := range ps {
		rows[p.Row] = true
	}
	return len(rows)
}

// fileProblems are a refused file's problems in the one problem shape.
func fileProblems(err error) ([]problem, bool) {
	var fe *roster.FileError
	if !errors.As(err, &fe) {
		return nil, false
	}
	out := make([]problem, len(fe.Problems))
	for i, p := range fe.Problems {
		out[i] = problem{Row: p.Row, Field: p.Field, Problem: p.Problem}
	}
	return out, true
}

// readImportBody reads the roster from the request body, answering 413
// for one over the limit.
func (h *importHandlers) readImportBody(c *gin.Context) ([]byte, bool) {
	data, err := io.ReadAll(c.Request.Body)
	if isTooLarge(err) {
		apiFail(c, http.StatusRequestEntityTooLarge, h.tooLargeMessage(c))
		return nil, false
	}
	if err != nil {
		apiFail(c, http.StatusBadRequest, h.T(c, "api.unreadable_body"))
		return nil, false
	}
	return data, true
}

func (h *importHandlers) tooLargeMessage(c *gin.Context) string {
	return h.T(c, "admin_import.too_large", "MB", h.cfg.MaxImportBytes>>20, "Rows", thousands(roster.MaxRows))
}

func (h *importHandlers) apiImport(c *gin.Context) {
	dryRun, ok := parseBoolParam(c.Query("dry_run"))
	if !ok {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "admin_import.invalid"), fieldProblem("dry_run", h.T(c, "admin_import.dry_run")))
		return
	}
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "text/csv" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		apiFail(c, http.StatusUnsupportedMediaType, h.T(c, "admin_import.want_csv", "Columns", strings.Join(roster.Columns, ",")))
		return
	}
	data, ok := h.readImportBody(c)
	if !ok {
		return
	}
	out, err := h.runImport(c, data, dryRun)
	if ps, isFile := fileProblems(err); isFile {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "admin_import.not_roster_api"), ps...)
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	if out.Problems == nil {
		out.Problems = []problem{}
	}
	if out.Invitations == nil {
		out.Invitations = []invitation{}
	}
	c.JSON(http.StatusOK, gin.H{"dry_run": out.DryRun, "created": len(out.Invitations), "valid": out.Valid,
		"problems": out.Problems, "invitations": out.Invitations})
}

// importView is the /admin/users/import page: the upload form, and what an
// upload did.
type importView struct {
	Done        bool // an upload was read
	Outcome     importOutcome
	Error       string    // why nothing was read
	FileErrors  []problem // a file that is not a roster
	Text        string    // a checked file, to import without uploading it again
	Invitations []invitationView
	Until       time.Time    // when the invitations stop working
	DownloadURL template.URL // the invitations as a CSV file
	Template    template.URL // an example file
	Filename    string
	MaxMB       int64
	MaxRows     string // "10,000"
	Columns     string
}

type invitationView struct {
	invitation
	URL string // absolute, to copy
}

// exampleRoster is the file the page offers to start from.
const exampleRoster = "email,name,role,group,counselor_email\r\n" +
	"ana.ortiz@example.edu,Ana Ortiz,learner,Class of 2027,casey.counselor@example.edu\r\n" +
	"ben.okafor@example.edu,Ben Okafor,learner,Class of 2027,\r\n" +
	"casey.counselor@example.edu,Casey Counselor,counselor,,\r\n"

func (h *importHandlers) renderImport(c *gin.Context, status int, v importView) {
	v.MaxMB, v.MaxRows, v.Columns = h.cfg.MaxImportBytes>>20, thousands(roster.MaxRows), strings.Join(roster.Columns, ",")
	v.Template = csvDataURL(exampleRoster)
	h.render(c, status, "admin_import", h.T(c, "admin_users.import_link"), v)
}

func (h *importHandlers) importPage(c *gin.Context) {
	h.renderImport(c, http.StatusOK, importView{})
}

func (h *importHandlers) importSubmit(c *gin.Context) {
	// The form is read here, after the admin is known, not by limitBody.
	if err := c.Request.ParseMultipartForm(h.cfg.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		if isTooLarge(err) {
			h.renderImport(c, http.StatusRequestEntityTooLarge, importView{Error: upperFirst(h.tooLargeMessage(c)) + "."})
			return
		}
		h.renderImport(c, http.StatusBadRequest, importView{Error: h.T(c, "admin_import.upload_unreadable")})
		return
	}
	dryRun := c.PostForm("dry_run") == "1"
	var data []byte
	if f, hdr, err := c.Request.FormFile("roster"); err == nil {
		defer f.Close()
		if data, err = io.ReadAll(f); err != nil {
			h.renderImport(c, http.StatusBadRequest, importView{Error: h.T(c, "admin_import.file_unreadable")})
			return
		}
		if hdr.Size == 0 {
			data = nil
		}
	} else {
		data = []byte(c.PostForm("roster_text"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		h.renderImport(c, http.StatusUnprocessableEntity, importView{Error: h.T(c, "admin_import.choose_file")})
		return
	}
	out, err := h.runImport(c, data, dryRun)
	if ps, isFile := fileProblems(err); isFile {
		h.renderImport(c, http.StatusUnprocessableEntity, importView{Done: true, FileErrors: ps})
		return
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v := importView{Done: true, Outcome: out}
	if dryRun && out.Valid > 0 {
		v.Text = string(data)
	}
	if len(out.Invitations) > 0 {
		for _, inv := range out.Invitations {
			v.Invitations = append(v.Invitations, invitationView{inv, h.absURL(c, inv.ResetURL)})
		}
		v.Until = out.until
		v.DownloadURL = csvDataURL(invitationsCSV(v.Invitations))
		v.Filename = "invitations-" + h.now().Format("2006-01-02-1504") + ".csv"
	}
	h.renderImport(c, http.StatusOK, v)
}

// thousands writes n with a comma between each group of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// invitationsCSV is the file an admin hands out from: one row per person
// with their link.
func invitationsCSV(invs []invitationView) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{"email", "name", "role", "group", "invitation_link", "valid_until"})
	for _, inv := range invs {
		_ = w.Write([]string{csvText(inv.Email), csvText(inv.Name), inv.Role, csvText(inv.Group), inv.URL, inv.ExpiresAt})
	}
	w.Flush()
	return b.String()
}

// csvDataURL is a link that downloads text as a CSV file, with no second
// request: the links are shown once and the server keeps no copy of them.
func csvDataURL(text string) template.URL {
	// PathEscape leaves nothing a URL would read differently.
	return template.URL("data:text/csv;charset=utf-8," + strings.ReplaceAll(url.PathEscape(text), "+", "%2B"))
}
