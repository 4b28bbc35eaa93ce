package web

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// apiContract is openapi.json loaded and validated by kin-openapi, for
// checking real responses against it. kin-openapi finds the operation and
// checks the status and headers; bodies are checked against JSON Schemas
// compiled once from the document (kin-openapi compiles a 3.1 schema
// again on every check, which cost the web tests a good share of their
// time: docs/PERFORMANCE.md).
type apiContract struct {
	doc    *openapi3.T
	router routers.Router

	compiler *jsonschema.Compiler // holds openapi.json as one resource
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema // by JSON pointer into openapi.json
}

// documentURL is where the compiler files openapi.json; it never fetches it.
const documentURL = "file:///readiness/openapi.json"

// loadContract reads the embedded document once per test binary.
var loadContract = sync.OnceValues(func() (*apiContract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIDocument)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.json: %w", err)
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDocument))
	if err != nil {
		return nil, fmt.Errorf("read openapi.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020) // OpenAPI 3.1's dialect
	c.AssertFormat()                     // date-time is checked, as kin-openapi does
	if err := c.AddResource(documentURL, raw); err != nil {
		return nil, err
	}
	return &apiContract{doc: doc, router: router, compiler: c, schemas: map[string]*jsonschema.Schema{}}, nil
})

func contract(t testing.TB) *apiContract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// schema is the compiled schema at a JSON pointer into openapi.json.
func (ct *apiContract) schema(pointer string) (*jsonschema.Schema, error) {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if s, ok := ct.schemas[pointer]; ok {
		return s, nil
	}
	s, err := ct.compiler.Compile(documentURL + "#" + pointer)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", pointer, err)
	}
	ct.schemas[pointer] = s
	return s, nil
}

// pointerPart escapes one JSON pointer segment (RFC 6901) for a URL fragment.
func pointerPart(s string) string {
	s = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	return url.PathEscape(s)
}

// checkResponse says what is wrong with one answer to req, or nil when it
// is what the document promises. Only /api/ requests are checked. A path
// or method the document does not list must be answered 404 or 405 with
// the Error body; anything else the document does not list (a route, a
// status, a content type, a field) is an error.
func (ct *apiContract) checkResponse(req *http.Request, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil
	}
	r := req.Clone(context.Background())
	head := r.Method == http.MethodHead
	if head {
		r.Method = http.MethodGet // HEAD answers as GET does, without the body
	}
	what := fmt.Sprintf("%s %s answered %d", req.Method, req.URL.Path, status)
	route, params, err := ct.router.FindRoute(r)
	if err != nil {
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s, but openapi.json has no such operation (%v)", what, err)
		}
		if head {
			return nil
		}
		return ct.checkErrorBody(what, header, body)
	}
	op := route.Operation
	documented := op.Responses.Status(status)
	if documented == nil {
		return fmt.Errorf("%s, a status openapi.json does not list for %s", what, op.OperationID)
	}
	if head {
		return nil
	}
	if len(documented.Value.Content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("%s with a body, where openapi.json says %s answers %d without one: %.200s", what, op.OperationID, status, body)
		}
		return nil
	}
	// The status and headers, by kin-openapi.
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: true},
	})
	if err != nil {
		return fmt.Errorf("%s (%s), not as openapi.json says: %v; body: %.300s", what, op.OperationID, err, body)
	}
	// The body, against the schema compiled from where the document has it.
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	content := documented.Value.Content.Get(header.Get("Content-Type"))
	if content == nil || mt == "" {
		return fmt.Errorf("%s (%s) with Content-Type %q, which openapi.json does not list", what, op.OperationID, header.Get("Content-Type"))
	}
	at := documented.Ref // a shared response: "#/components/responses/NotFound"
	if at == "" {
		at = "#/paths/" + pointerPart(route.Path) + "/" + strings.ToLower(route.Method) + "/responses/" + strconv.Itoa(status)
	}
	s, err := ct.schema(strings.TrimPrefix(at, "#") + "/content/" + pointerPart(mediaKey(documented.Value.Content, content)) + "/schema")
	if err != nil {
		return err
	}
	var value any = string(body)
	if mt == "application/json" {
		if value, err = jsonschema.UnmarshalJSON(bytes.NewReader(body)); err != nil {
			return fmt.Errorf("%s (%s) with a body that is not JSON: %v: %.300s", what, op.OperationID, err, body)
		}
	}
	if err := s.Validate(value); err != nil {
		return fmt.Errorf("%s (%s), not as openapi.json says: %v; body: %.300s", what, op.OperationID, err, body)
	}
	return nil
}

// mediaKey is the key under content whose entry is c.
func mediaKey(content openapi3.Content, c *openapi3.MediaType) string {
	for k, v := range content {
		if v == c {
			return k
		}
	}
	return ""
}

// checkErrorBody holds the answer for an unknown route to the Error shape.
func (ct *apiContract) checkErrorBody(what string, header http.Header, body []byte) error {
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != "application/json" {
		return fmt.Errorf("%s with Content-Type %q, not the JSON Error body", what, header.Get("Content-Type"))
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s with a body that is not JSON: %v", what, err)
	}
	s, err := ct.schema("/components/schemas/Error")
	if err != nil {
		return err
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("%s, not with the Error body: %v", what, err)
	}
	return nil
}

// checkedHandler serves h and checks every API answer against openapi.json,
// reporting to t: the test app's server and handler go through it, so
// every API response in the web tests is checked wherever it came from.
func checkedHandler(t testing.TB, h http.Handler) http.Handler {
	ct := contract(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			h.ServeHTTP(w, r)
			return
		}
		req := r.Clone(r.Context()) // the handler may change r
		tw := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tw, r)
		status, header := tw.sent()
		if err := ct.checkResponse(req, status, header, tw.body.Bytes()); err != nil {
			t.Errorf("openapi: %v", err)
		}
	})
}

// teeWriter passes a response through and keeps a copy of it: the status,
// the headers as they were sent, and the body.
type teeWriter struct {
	http.ResponseWriter
	status int
	header http.Header
	body   bytes.Buffer
}

func (w *teeWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status, w.header = status, w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *teeWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *teeWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// sent is the status and headers the client got, with the Content-Type
// net/http sniffs for a body sent without one.
func (w *teeWriter) sent() (int, http.Header) {
	if w.status == 0 {
		return http.StatusOK, w.ResponseWriter.Header().Clone()
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	return w.status, w.header
}
