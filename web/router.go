package web

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
)

// server carries the handlers' dependencies.
type server struct {
	store    Store
	profiles *assessment.Registry
	profile  *assessment.Profile // the profile the pages use
	log      *slog.Logger
	now      func() time.Time
	cfg      Config
	tmpl     templates
	cop      *http.CrossOriginProtection
	// bcryptCost is lowered by tests; production uses bcrypt.DefaultCost.
	bcryptCost int
	dummyHash  func() []byte
}

// NewRouter builds the whole HTTP surface: every route and role group is here.
func NewRouter(d Deps) (http.Handler, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Config.MaxBodyBytes <= 0 {
		d.Config.MaxBodyBytes = DefaultConfig().MaxBodyBytes
	}
	if d.Config.SessionIdle <= 0 {
		d.Config.SessionIdle = DefaultConfig().SessionIdle
	}
	if d.Config.SessionMax <= 0 {
		d.Config.SessionMax = DefaultConfig().SessionMax
	}
	if d.Config.DefaultProfile == "" {
		d.Config.DefaultProfile = DefaultConfig().DefaultProfile
	}
	p, ok := d.Profiles.Lookup(d.Config.DefaultProfile)
	if !ok {
		return nil, fmt.Errorf("web: default profile %q is not loaded", d.Config.DefaultProfile)
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &server{
		store: d.Store, profiles: d.Profiles, profile: p, log: d.Logger,
		now: func() time.Time { return d.Now().UTC() }, cfg: d.Config, tmpl: tmpl,
		cop: http.NewCrossOriginProtection(), bcryptCost: bcryptCostFor(d.Config),
	}
	s.dummyHash = newDummyHash(s.bcryptCost)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	// Pages and static files are gzipped; the API is not, where the CPU is
	// better spent on requests than on compressing small JSON bodies.
	zip := gzip.Gzip(gzip.DefaultCompression, gzip.WithExcludedPaths([]string{"/api/", "/healthz"}))
	r.Use(s.logRequests, s.recover, s.securityHeaders, zip, s.limitBody, s.crossOrigin, s.loadSession)
	r.NoRoute(func(c *gin.Context) { s.fail(c, http.StatusNotFound, "page not found") })
	r.NoMethod(func(c *gin.Context) { s.fail(c, http.StatusMethodNotAllowed, "method not allowed") })

	static, _ := fs.Sub(assets, "static")
	r.GET("/static/*file", s.serveStatic(static))
	r.GET("/healthz", s.healthz)

	// Pages anyone may see.
	r.GET("/", s.landingPage)
	r.GET("/register", s.registerPage)
	r.POST("/register", s.registerSubmit)
	r.GET("/login", s.loginPage)
	r.POST("/login", s.loginSubmit)
	r.POST("/logout", s.logoutSubmit)
	r.GET("/assessment", s.assessmentPage)
	r.POST("/assessment", s.assessmentSubmit)
	r.POST("/assessment/restart", s.assessmentRestart)
	r.GET("/results/:id", s.resultPage)

	// Pages for logged-in users.
	user := r.Group("/", s.requireUser)
	user.GET("/progress", s.progressPage)
	user.GET("/progress/compare", s.comparePage)
	user.GET("/account", s.accountPage)
	user.GET("/account/export", s.exportDownload)
	user.POST("/account/share", s.shareSubmit)
	user.POST("/account/unshare/:id", s.unshareSubmit)
	user.POST("/account/delete", s.deleteAccountSubmit)

	api := r.Group("/api/v1")
	api.GET("/profiles/:id", s.apiProfile)
	api.POST("/score", s.apiScore)
	api.POST("/auth/register", s.apiRegister)
	api.POST("/auth/login", s.apiLogin)
	api.POST("/auth/logout", s.requireUser, s.apiLogout)

	apiUser := api.Group("", s.requireUser)
	apiUser.GET("/me", s.apiMe)
	apiUser.GET("/me/export", s.apiExport)
	apiUser.DELETE("/me", s.apiDeleteMe)

	apiLearner := apiUser.Group("", s.requireRole("learner"))
	apiLearner.POST("/assessments", s.apiCreateAssessment)
	apiLearner.GET("/assessments", s.apiListAssessments)
	apiLearner.GET("/assessments/:id", s.apiGetAssessment)
	apiLearner.GET("/me/counselors", s.apiCounselors)
	apiLearner.POST("/me/counselors", s.apiShare)
	apiLearner.DELETE("/me/counselors/:id", s.apiUnshare)

	s.counselorRoutes(r, apiUser)
	s.adminRoutes(r, apiUser)
	return headAsGet{r}, nil
}

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

func (s *server) healthz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// serveStatic serves the embedded assets. fs.FS paths cannot climb out of
// the embedded tree, so traversal attempts simply miss.
func (s *server) serveStatic(static fs.FS) gin.HandlerFunc {
	files := http.FileServerFS(static)
	return func(c *gin.Context) {
		file := c.Param("file")
		// A name fs.FS cannot open (such as bytes that are not UTF-8) would
		// be a 500 from the file server: it is simply not there.
		name := strings.TrimPrefix(path.Clean("/"+file), "/")
		if strings.HasSuffix(file, "/") || name == "" || !fs.ValidPath(name) {
			s.fail(c, http.StatusNotFound, "page not found")
			return
		}
		c.Header("Cache-Control", "public, max-age=3600")
		c.Request.URL.Path = file
		files.ServeHTTP(c.Writer, c.Request)
	}
}

// recover turns a panic into a logged 500 without the stack in the response.
func (s *server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "value", fmt.Sprint(v), "route", c.FullPath())
			s.fail(c, http.StatusInternalServerError, "internal error")
		}
	}()
	c.Next()
}
