package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFile is one embedded asset, read and compressed once at start-up:
// every visitor fetches the same stylesheet and icon, so compressing them
// per request (as a compressing middleware would) only burns CPU.
type staticFile struct {
	body, gz    []byte // gz is nil when compressing does not make it smaller
	contentType string
	etag        string
}

// loadStatic reads every file of the embedded static tree.
func loadStatic(static fs.FS) (map[string]*staticFile, error) {
	files := map[string]*staticFile{}
	err := fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &staticFile{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			contentType: mime.TypeByExtension(path.Ext(name))}
		if f.contentType == "" {
			f.contentType = http.DetectContentType(body)
		}
		if compressible(f.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		files[name] = f
		return nil
	})
	return files, err
}

// serveStatic serves the embedded assets, compressed for a client that
// takes gzip, with an ETag so a browser's revalidation costs a 304. Only
// names in the embedded tree exist, so traversal attempts simply miss.
func (s *site) serveStatic(files map[string]*staticFile) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("file")), "/")
		f, ok := files[name]
		if !ok || strings.HasSuffix(c.Param("file"), "/") {
			s.fail(c, http.StatusNotFound, s.T(c, "api.page_not_found"))
			return
		}
		h := c.Writer.Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", f.etag)
		h["Vary"] = varyAcceptEncoding
		if etagMatches(c.Request.Header.Get("If-None-Match"), f.etag) {
			c.Status(http.StatusNotModified)
			return
		}
		body := f.body
		if f.gz != nil && acceptsGzip(c.Request.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = f.gz
		}
		c.Data(http.StatusOK, f.contentType, body)
	}
}

// etagMatches reports whether an If-None-Match value names etag (weakly
// compared, as RFC 9110 says for If-None-Match) or is "*".
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
