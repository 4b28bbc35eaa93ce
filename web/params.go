package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// pageParams reads ?page= (from 1) and ?limit= (1–100, default def).
func pageParams(c *gin.Context, def int) (limit, offset int, ok bool) {
	page, limit := 1, def
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return 0, 0, false
		}
		page = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, false
		}
		limit = n
	}
	return limit, (page - 1) * limit, true
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func parseBoolParam(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "", "false", "0", "off", "no":
		return false, true
	case "true", "1", "on", "yes":
		return true, true
	}
	return false, false
}
