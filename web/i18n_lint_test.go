package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"

	"github.com/readiness/readiness/web/i18n"
)

// templateKeys lists the keys of every {{t "key" …}} call in the parsed
// templates, each with the template it is in.
func templateKeys(t *testing.T, tmpl templates) map[string]string {
	t.Helper()
	keys := map[string]string{}
	var walk func(name string, n parse.Node)
	walk = func(name string, n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(name, c)
			}
		case *parse.ActionNode:
			walk(name, n.Pipe)
		case *parse.IfNode:
			walk(name, n.Pipe)
			walk(name, n.List)
			walk(name, n.ElseList)
		case *parse.RangeNode:
			walk(name, n.Pipe)
			walk(name, n.List)
			walk(name, n.ElseList)
		case *parse.WithNode:
			walk(name, n.Pipe)
			walk(name, n.List)
			walk(name, n.ElseList)
		case *parse.TemplateNode:
			walk(name, n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(name, c)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						keys[s.Text] = name
					}
				}
			}
			for _, a := range n.Args {
				walk(name, a)
			}
		}
	}
	for _, set := range tmpl[i18n.Default] {
		for _, tt := range set.Templates() {
			if tt.Tree != nil {
				walk(tt.Tree.ParseName, tt.Tree.Root)
			}
		}
	}
	return keys
}

// Every key a template asks for is in every catalog: a typo or a key
// added to one language only fails here, not on a reader's screen.
func TestTemplates_EveryKeyIsInEveryCatalog(t *testing.T) {
	s, _ := testSite(t)
	keys := templateKeys(t, s.tmpl)
	if len(keys) < 20 {
		t.Fatalf("found only %d {{t}} keys in the templates; the walk is broken", len(keys))
	}
	for _, lang := range s.i18n.Languages() {
		have := s.i18n.Keys(lang)
		for key, in := range keys {
			if _, ok := slices.BinarySearch(have, key); !ok {
				t.Errorf("%s: {{t %q}} is not in %s.toml", in, key, lang)
			}
		}
	}
}

// goKeys lists the literal keys of every T call (s.T(c, "key"),
// printer.T("key")) in the package's Go files, with where each is.
func goKeys(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" || len(call.Args) == 0 {
				return true
			}
			// printer.T("key", …) or s.T(c, "key", …); a key that is not
			// a literal is built at run time and checked elsewhere.
			lit := stringLit(call.Args, 0)
			if id, ok := call.Args[0].(*ast.Ident); ok && lit == nil && (id.Name == "c" || id.Name == "gc") {
				lit = stringLit(call.Args, 1) // the gin.Context first
			}
			if lit != nil {
				if key, err := strconv.Unquote(lit.Value); err == nil {
					keys[key] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	return keys
}

// Every key the Go code asks for is in every catalog, and so is every
// notice a redirect can carry.
func TestGoCode_EveryKeyIsInEveryCatalog(t *testing.T) {
	s, _ := testSite(t)
	keys := goKeys(t)
	if len(keys) == 0 {
		t.Fatal("found no T(…) calls; the search is broken")
	}
	for code := range flashCodes {
		keys["flash."+code] = "flashCodes"
	}
	for _, lang := range s.i18n.Languages() {
		have := s.i18n.Keys(lang)
		for key, at := range keys {
			if _, ok := slices.BinarySearch(have, key); !ok {
				t.Errorf("%s: key %q is not in %s.toml", at, key, lang)
			}
		}
	}
}

func stringLit(args []ast.Expr, i int) *ast.BasicLit {
	if i >= len(args) {
		return nil
	}
	if lit, ok := args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
		return lit
	}
	return nil
}

// Keys built at run time from ids (a role, a step kind, an audit action, a
// problem code…) are in every catalog for every id there is.
func TestDynamicKeys_EveryIDHasItsWords(t *testing.T) {
	s, _ := testSite(t)
	var keys []string
	add := func(prefix string, ids ...string) {
		for _, id := range ids {
			keys = append(keys, prefix+id)
		}
	}
	add("role.", account.Roles...)
	add("role_word.", account.Roles...)
	for _, st := range s.profile.Steps {
		add("kind.", st.Kind)
	}
	for _, r := range attentionReasons {
		add("attention.", r, r+"_long")
	}
	add("audit_action.", auditActions...)
	add("access_action.", accessActions...)
	add("answer.", assessment.ProblemCodes...)
	add("account.", accountCodes...)
	add("csv.", caseloadCSVHeader...)
	for _, col := range caseloadColumns {
		add("counselor.sort.", col.keys...)
	}
	for _, status := range []int{400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503} {
		add("status.", strconv.Itoa(status))
	}
	for _, lang := range s.i18n.Languages() {
		have := s.i18n.Keys(lang)
		for _, key := range keys {
			if _, ok := slices.BinarySearch(have, key); !ok {
				t.Errorf("%s.toml lacks %q", lang, key)
			}
		}
	}
}

// accountCodes are the codes package account gives its problems.
var accountCodes = []string{
	"email-required", "email-invalid", "email-invisible", "email-long", "email-mixed-script",
	"name-required", "name-invalid", "name-long", "group-invalid", "group-long",
	"password-required", "password-invalid", "password-short", "password-long", "password-common", "password-personal",
}

// The English catalog says exactly what package account and package
// assessment say in English, so English readers see no change and the
// two cannot drift apart.
func TestCatalog_EnglishMatchesTheRulesOwnWords(t *testing.T) {
	s, _ := testSite(t)
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/?lang=en", nil)
	long := strings.Repeat("a", 300)
	seen := map[string]bool{}
	for i, err := range []error{
		errOf(account.NormalizeEmail("")), errOf(account.NormalizeEmail("nope")), errOf(account.NormalizeEmail("a\u200b@b.org")),
		errOf(account.NormalizeEmail(long + "@example.org")), errOf(account.NormalizeEmail("pаypal@example.org")),
		errOf(account.CheckName("")), errOf(account.CheckName("a\nb")), errOf(account.CheckName(long)),
		errOf(account.CheckGroup("a\x00b")), errOf(account.CheckGroup(long)),
		account.CheckPassword("", "a@b.org", "A"), account.CheckPassword("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "a@b.org", "A"),
		account.CheckPassword("short", "a@b.org", "A"), account.CheckPassword(strings.Repeat("x", 100), "a@b.org", "A"),
		account.CheckPassword("password123", "a@b.org", "A"), account.CheckPassword("someone@example.org", "someone@example.org", "A"),
	} {
		var p *account.Problem
		if !errors.As(err, &p) {
			t.Fatalf("input %d: not a Problem: %v", i, err)
		}
		seen[p.Code] = true
		if got := s.accountProblem(c, err).Problem; got != p.Message {
			t.Errorf("%s: catalog says %q, package account %q", p.Code, got, p.Message)
		}
	}
	for _, code := range accountCodes {
		if !seen[code] {
			t.Errorf("no input above gives %s", code)
		}
	}
	_, problems := s.profile.Parse(map[string]json.RawMessage{
		"edu.degree": json.RawMessage(`"bachelor"`), "edu.field": json.RawMessage(`["x"]`), "edu.certifications": json.RawMessage(`["none","security"]`),
		"edu.continuing": json.RawMessage(`"daily"`), "mkt.years": json.RawMessage(`3`), "mkt.digital": json.RawMessage(`9`),
		"mgt.models": json.RawMessage(`["b2b","b2b"]`), "zzz": json.RawMessage(`1`)})
	if len(problems) < 8 {
		t.Fatalf("only %d problems", len(problems))
	}
	for _, p := range problems {
		if got := s.answerProblem(c, p); got != p.Problem {
			t.Errorf("%s: catalog says %q, package assessment %q", p.Code, got, p.Problem)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

// actionRe matches a template action, comments included.
var actionRe = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// wordRe finds a word a reader would read: two letters or more.
var wordRe = regexp.MustCompile(`\p{L}{2,}`)

// visibleAttrs are the attributes whose text a person sees or hears,
// among them the data- attributes the page's script shows.
var visibleAttrs = map[string]bool{"alt": true, "title": true, "aria-label": true, "placeholder": true, "data-label": true,
	"data-named": true, "data-copied": true, "data-copy-failed": true, "data-table": true, "data-incomplete": true,
	"data-up": true, "data-down": true, "data-same": true, "data-met": true, "data-unmet": true,
	"data-none": true, "data-some": true, "data-one": true,
	"data-checking-one": true, "data-checking-some": true, "data-checking-file": true,
	"data-importing-one": true, "data-importing-some": true, "data-importing-file": true}

// literalWords lists the words a template writes itself instead of through
// {{t}}: every action is taken out, and the text and visible attributes
// that are left must hold none. Only the product's name may stay.
func literalWords(src string) []string {
	src = actionRe.ReplaceAllString(src, "§")
	var found []string
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.TextToken:
			found = append(found, wordsIn(string(z.Text()))...)
		case html.StartTagToken, html.SelfClosingTagToken:
			_, more := z.TagName()
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if visibleAttrs[string(k)] {
					found = append(found, wordsIn(string(v))...)
				}
			}
		}
	}
}

func wordsIn(s string) []string {
	var out []string
	for _, w := range wordRe.FindAllString(s, -1) {
		if w != "Readiness" {
			out = append(out, w)
		}
	}
	return out
}

// TestTemplates_NoLiteralText fails when a template writes words of its
// own instead of asking the catalog: such words would show in English on a
// Spanish page.
func TestTemplates_NoLiteralText(t *testing.T) {
	files, err := fs.Glob(assets, "templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "templates/layout.html")
	for _, f := range files {
		src, err := fs.ReadFile(assets, f)
		if err != nil {
			t.Fatal(err)
		}
		if words := literalWords(string(src)); len(words) > 0 {
			t.Errorf("%s writes words of its own, not through {{t}}: %q", f, words)
		}
	}
	// The lint itself: it finds text, attributes and words between actions.
	for src, want := range map[string]int{
		`<p>Hello {{.Name}}</p>`:                                     1,
		`<a aria-label="Close {{.X}}">{{t "k"}}</a>`:                 1,
		`<p>{{if .A}}met{{else}}not met{{end}}.</p>`:                 3,
		`<p>{{t "k"}} · {{.N}} / 100 Readiness</p>`:                  0,
		`<input class="field" name="email"{{if .E}} checked{{end}}>`: 0,
	} {
		if got := literalWords(src); len(got) != want {
			t.Errorf("literalWords(%q) = %q, want %d words", src, got, want)
		}
	}
}

// messageCalls are the functions whose text arguments a person reads: a
// string literal given to one of them is English written into the code.
var messageCalls = map[string]bool{
	"apiFail": true, "fieldProblem": true, "renderError": true, "pageStoreError": true,
	"fail": true, "adminRefuse": true, "render": true,
}

// messagesInCode lists, for one Go file, the words written into calls of
// messageCalls, each with its place.
func messagesInCode(fset *token.FileSet, f *ast.File) []string {
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn := callName(call)
		if !messageCalls[fn] {
			return true
		}
		for i, a := range call.Args {
			if fn == "render" && i < 3 || fn == "fieldProblem" && i == 0 {
				continue // status, template name; a field's name
			}
			ast.Inspect(a, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					// fmt builds a message from its words; any other call
					// (T, c.Query, a nested fieldProblem) is not this
					// argument's text, or is looked at on its own.
					name := callName(c)
					return name == "Sprintf" || name == "Sprint" || name == "Join"
				}
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && wordRe.MatchString(s) {
						found = append(found, fmt.Sprintf("%s: %s(…) is given the words %q", fset.Position(lit.Pos()), fn, s))
					}
				}
				return true
			})
		}
		return true
	})
	return found
}

func callName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// TestGoCode_NoMessagesWrittenInCode fails when a handler hands a person
// words written in the Go code (apiFail(c, 404, "not found"), a page
// title, a form error) instead of asking the catalog with T.
func TestGoCode_NoMessagesWrittenInCode(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messagesInCode(fset, f) {
			t.Errorf("%s: ask the catalog (T) instead", m)
		}
	}
	// The lint itself.
	f, err := parser.ParseFile(fset, "x.go", `package x
func h() {
	apiFail(c, 404, "not found")
	apiFail(c, 422, fmt.Sprintf("must be %d", 3))
	s.render(c, 200, "result", "Your result: "+name, v)
	apiFail(c, 404, s.T(c, "api.not_found"), fieldProblem("page", s.T(c, "problem.page")))
	h.render(c, 200, "result", h.T(c, "result.title"), v)
}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := messagesInCode(fset, f); len(got) != 3 {
		t.Errorf("the lint found %d messages, want 3: %q", len(got), got)
	}
}
