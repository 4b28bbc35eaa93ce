package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *server) apiScore(c *gin.Context) {
	sc, ok := s.bindScored(c)
	if !ok {
		return
	}
	bp := resultBufs.Get().(*[]byte)
	body := sc.result.AppendJSON((*bp)[:0])
	writeJSON(c, http.StatusOK, body) // written out before it returns
	if cap(body) <= maxPooledBuf {
		*bp = body[:0]
		resultBufs.Put(bp)
	}
}
