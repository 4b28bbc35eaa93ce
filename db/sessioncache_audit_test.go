package db

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writesSessionsOrUsers matches SQL that changes a row SessionUser reads.
var writesSessionsOrUsers = regexp.MustCompile(`(?is)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(users|sessions)\b`)

// Every exported function of this package that writes the sessions or
// users tables, itself or through unexported helpers, must drop what it
// changes from the session cache (a forget call of its own, or through a
// helper that makes one), so a write added later cannot leave a stale
// session or user in memory.
func TestSessionCache_EveryWriterForgets(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	type fn struct {
		writesSQL bool
		forgets   bool
		calls     []string
	}
	fns := map[string]*fn{}       // by name; methods and functions alike
	exported := map[string]bool{} // Store methods and package functions
	consts := map[string]string{} // package-level string constants
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range g.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && g.Tok == token.CONST && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						consts[vs.Names[i].Name] = s
					}
					if g.Tok == token.VAR {
						// A package variable holding functions (the
						// migrations' Go steps) reaches what it holds.
						fns[vs.Names[i].Name] = &fn{calls: identsIn(v)}
					}
				}
			}
		}
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if name == "init" && fd.Recv == nil {
				// init may put functions into package variables.
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if a, ok := n.(*ast.AssignStmt); ok {
						for _, lhs := range a.Lhs {
							for _, v := range identsIn(lhs) {
								if info := fns[v]; info != nil {
									for _, rhs := range a.Rhs {
										info.calls = append(info.calls, identsIn(rhs)...)
									}
								}
							}
						}
					}
					return true
				})
				continue
			}
			if fd.Name.IsExported() {
				exported[name] = true
			}
			info := fns[name]
			if info == nil {
				info = &fn{}
				fns[name] = info
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						s, _ := strconv.Unquote(n.Value)
						info.writesSQL = info.writesSQL || writesSessionsOrUsers.MatchString(s)
					}
				case *ast.Ident:
					if s, ok := consts[n.Name]; ok && writesSessionsOrUsers.MatchString(s) {
						info.writesSQL = true
					}
					// Any name used, called or not: a function passed as a
					// value or a package variable of them.
					info.calls = append(info.calls, n.Name)
				case *ast.CallExpr:
					var callee string
					switch f := n.Fun.(type) {
					case *ast.Ident:
						callee = f.Name
					case *ast.SelectorExpr:
						callee = f.Sel.Name
					}
					if strings.HasPrefix(callee, "forget") {
						info.forgets = true
					}
				}
				return true
			})
		}
	}
	// writes: the function changes sessions or users without a forget
	// call on the way (its own, or a helper's that covers the write).
	memo := map[string]bool{}
	var writes func(name string, seen map[string]bool) bool
	writes = func(name string, seen map[string]bool) bool {
		if v, ok := memo[name]; ok {
			return v
		}
		info := fns[name]
		if info == nil || seen[name] {
			return false
		}
		seen[name] = true
		w := info.writesSQL
		for _, c := range info.calls {
			w = w || writes(c, seen)
		}
		w = w && !info.forgets
		memo[name] = w
		return w
	}
	var bad, writers []string
	for name, info := range fns {
		if info.writesSQL {
			writers = append(writers, name)
		}
		if exported[name] && writes(name, map[string]bool{}) {
			bad = append(bad, name)
		}
	}
	slices.Sort(bad)
	for _, name := range bad {
		t.Errorf("%s writes the sessions or users table without a forget call (sessioncache.go)", name)
	}
	// The scan must find the writers known today, or it checks nothing.
	for _, want := range []string{"SetTimeZone", "TouchSession", "replaceSessions", "setDisabled", "changeRole", "insertUser", "insertUsers", "DeleteUser", "backfillSearchKeys"} {
		if !slices.Contains(writers, want) {
			t.Errorf("the scan did not find %s's SQL writing sessions or users; found %v", want, writers)
		}
	}
}

// identsIn lists the names used in an expression.
func identsIn(n ast.Node) []string {
	var names []string
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	return names
}
