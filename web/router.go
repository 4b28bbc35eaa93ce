package web

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

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
	r.GET("/results/:id", s.resultPage) // a learner's own, or this browser's visitor result

	// Pages for logged-in users.
	user := r.Group("/", s.requireUser)
	user.GET("/progress", s.progressPage)
	user.GET("/progress/compare", s.comparePage)
	user.GET("/account", s.accountPage)
	user.GET("/account/export", s.exportDownload)
	user.POST("/account/share", s.shareSubmit)
	user.POST("/account/unshare/:id", s.unshareSubmit)
	user.POST("/account/delete", s.deleteAccountSubmit)

	// The counselor workspace. A learner who does not share with the
	// counselor is a 404 everywhere, pages and API, so the counselor cannot
	// tell them apart from an id that does not exist.
	counselor := r.Group("/counselor", s.requireUser, s.requireRole(db.RoleCounselor))
	counselor.GET("", s.caseloadPage)
	counselor.GET("/caseload.csv", s.caseloadCSV)
	counselor.GET("/cohort", s.cohortPage)
	counselor.GET("/learners/:id", s.learnerPage)
	counselor.POST("/learners/:id/notes", s.noteSubmit)
	counselor.POST("/learners/:id/flag", s.flagSubmit)

	// Admin pages.
	admin := r.Group("/admin", s.requireUser, s.requireRole(db.RoleAdmin))
	admin.GET("/users", s.adminUsersPage)
	admin.POST("/users/:id/role", s.adminRoleSubmit)
	admin.POST("/users/:id/disabled", s.adminDisabledSubmit)
	admin.POST("/links", s.adminLinkSubmit)
	admin.POST("/links/remove", s.adminUnlinkSubmit)

	// The JSON API: open to anyone.
	api := r.Group("/api/v1")
	api.GET("/profiles/:id", s.apiProfile)
	api.POST("/score", s.apiScore)
	api.POST("/auth/register", s.apiRegister)
	api.POST("/auth/login", s.apiLogin)
	api.POST("/auth/logout", s.requireUser, s.apiLogout)

	// The API for any logged-in user.
	apiUser := api.Group("", s.requireUser)
	apiUser.GET("/me", s.apiMe)
	apiUser.GET("/me/export", s.apiExport)
	apiUser.DELETE("/me", s.apiDeleteMe)

	// The API for learners.
	apiLearner := apiUser.Group("", s.requireRole(db.RoleLearner))
	apiLearner.POST("/assessments", s.apiCreateAssessment)
	apiLearner.GET("/assessments", s.apiListAssessments)
	apiLearner.GET("/assessments/:id", s.apiGetAssessment)
	apiLearner.GET("/me/counselors", s.apiCounselors)
	apiLearner.POST("/me/counselors", s.apiShare)
	apiLearner.DELETE("/me/counselors/:id", s.apiUnshare)

	// The API for counselors.
	apiCounselor := apiUser.Group("", s.requireRole(db.RoleCounselor))
	apiCounselor.GET("/learners", s.apiCaseload)
	apiCounselor.GET("/learners.csv", s.caseloadCSV)
	apiCounselor.GET("/learners/:id/assessments", s.apiLearnerAssessments)
	apiCounselor.GET("/learners/:id/notes", s.apiNotes)
	apiCounselor.POST("/learners/:id/notes", s.apiAddNote)
	apiCounselor.PUT("/learners/:id/flag", s.apiSetFlag)
	apiCounselor.GET("/cohort", s.apiCohort)

	return headAsGet{r}, nil
}
