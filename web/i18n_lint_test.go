package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

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
			if !ok || sel.Sel.Name != "T" {
				return true
			}
			for _, a := range call.Args {
				if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if key, err := strconv.Unquote(lit.Value); err == nil {
						keys[key] = fset.Position(lit.Pos()).String()
					}
					break
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
