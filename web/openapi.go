package web

// The API's contract is one OpenAPI 3.1 document, openapi.json beside this
// file, served as it is at GET /api/v1/openapi.json. It is written by hand,
// not generated from comments over the handlers, and the tests hold it to
// the code: every API response any web test gets is checked against it
// (status, content type, body), and every /api/v1 route in router.go must
// be in it and the other way round.
//
// How to add a route to the document:
//
//  1. Register the route in router.go as usual.
//  2. Add its path under "paths" in openapi.json with gin's :param written
//     {param} (e.g. /api/v1/learners/{id}/notes), and the method under it
//     with an operationId, its parameters, its request body and every
//     status it can answer. Errors use the shared responses in
//     components/responses (BadRequest, Unauthorized, Forbidden, NotFound,
//     Conflict, TooLarge, UnsupportedMediaType, Unprocessable, InvalidAnswers,
//     TooManyRequests, InternalError, Unavailable): they all carry the one
//     Error body. A POST, PUT or DELETE can be refused as cross-origin
//     (403); one that reads a body answers 400, 413, 415 and 422; one behind
//     requireUser 401, behind requireRole 403; one that calls the store 500
//     and 503.
//  3. Describe a new JSON shape under components/schemas, with
//     "additionalProperties": false (or "unevaluatedProperties": false
//     beside an allOf), so a field added to the response and not to the
//     document fails the tests.
//  4. Run go test ./web/: TestOpenAPI_CoversEveryAPIRoute names a route
//     missing from either side, and the response check names the operation,
//     status and field that do not match.
//
// The document uses OpenAPI 3.1 (JSON Schema 2020-12: type arrays for null,
// const, if/then/else, unevaluatedProperties); kin-openapi, which the tests
// validate with, checks all of those.

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed openapi.json
var openAPIDocument []byte

// checkOpenAPIDocument fails the start if the embedded document is not JSON,
// as a broken template does.
func checkOpenAPIDocument() error {
	if !json.Valid(openAPIDocument) {
		return errors.New("web: openapi.json is not valid JSON")
	}
	return nil
}

// openAPIPath is where the document is served.
const openAPIPath = "/api/v1/openapi.json"

// serveOpenAPI answers the document. It is public and the same for every
// reader (no personal data, no language), so any cache may keep it; it
// changes only with the binary, so five minutes lets a new release show
// soon.
func serveOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	writeJSON(c, http.StatusOK, openAPIDocument)
}
