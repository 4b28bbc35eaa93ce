package web

import (
	"context"
	"net/http"
)

// headAsGet answers HEAD wherever GET is answered, as net/http's own mux
// does (gin does not): uptime monitors and link checkers send HEAD. The
// route runs as a GET, with every check a GET has; net/http still sees the
// HEAD and sends the headers without the body.
type headAsGet struct{ h http.Handler }

// headKey marks a request that arrived as HEAD, for the request log.
type headKey struct{}

func (x headAsGet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.WithContext(context.WithValue(r.Context(), headKey{}, true))
		r.Method = http.MethodGet // r is a copy; the server keeps the HEAD
	}
	x.h.ServeHTTP(w, r)
}

// requestMethod is the method the client sent.
func requestMethod(r *http.Request) string {
	if r.Method == http.MethodGet && r.Context().Value(headKey{}) != nil {
		return http.MethodHead
	}
	return r.Method
}
