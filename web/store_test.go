package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// Each handler group holds a small interface of what it uses from the
// store (issue 11): every part of Store has at most 8 methods, counting
// those of the interfaces it embeds, so a reader sees a handler's
// dependencies at a glance and a fake for its tests stays short.
func TestStore_EveryHandlerInterfaceIsSmall(t *testing.T) {
	const most = 8
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	ifaces := map[string]*ast.InterfaceType{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if it, ok := ts.Type.(*ast.InterfaceType); ok {
					ifaces[ts.Name.Name] = it
				}
			}
			return true
		})
	}
	var methods func(name string) map[string]bool
	methods = func(name string) map[string]bool {
		out := map[string]bool{}
		for _, f := range ifaces[name].Methods.List {
			if len(f.Names) > 0 {
				out[f.Names[0].Name] = true
				continue
			}
			if id, ok := f.Type.(*ast.Ident); ok && ifaces[id.Name] != nil {
				for m := range methods(id.Name) {
					out[m] = true
				}
			}
		}
		return out
	}
	store, ok := ifaces["Store"]
	if !ok {
		t.Fatal("no Store interface in package web")
	}
	parts := 0
	for _, f := range store.Methods.List {
		id, ok := f.Type.(*ast.Ident)
		if len(f.Names) > 0 || !ok {
			t.Errorf("Store declares a method of its own; put it in a handler group's interface")
			continue
		}
		parts++
		if n := len(methods(id.Name)); n > most {
			t.Errorf("%s has %d methods, more than %d: split it into two small ones the handler holds", id.Name, n, most)
		}
	}
	if parts < 10 {
		t.Fatalf("found only %d parts of Store; is the test reading the right files?", parts)
	}
}
