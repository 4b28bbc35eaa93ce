package web

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// serveStatic serves the embedded assets. fs.FS paths cannot climb out of
// the embedded tree, so traversal attempts simply miss.
func (s *site) serveStatic(static fs.FS) gin.HandlerFunc {
	files := http.FileServerFS(static)
	return func(c *gin.Context) {
		file := c.Param("file")
		// A name fs.FS cannot open (such as bytes that are not UTF-8) would
		// be a 500 from the file server: it is simply not there.
		name := strings.TrimPrefix(path.Clean("/"+file), "/")
		if strings.HasSuffix(file, "/") || name == "" || !fs.ValidPath(name) {
			s.fail(c, http.StatusNotFound, s.T(c, "api.page_not_found"))
			return
		}
		c.Header("Cache-Control", "public, max-age=3600")
		c.Request.URL.Path = file
		files.ServeHTTP(c.Writer, c.Request)
	}
}
