package web

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/web/i18n"
)

// parsed is what NewRouter makes of the embedded files: the message
// catalogs, every page's templates (times in UTC) and the static files,
// compressed, once the OpenAPI document is known to be JSON. It depends on nothing but the binary, so a process parses it
// once however many routers it builds (the tests build hundreds).
type parsed struct {
	cat    *i18n.Catalog
	tmpl   templates
	static map[string]*staticFile
}

var embeddedParsed = sync.OnceValues(func() (parsed, error) {
	if err := checkOpenAPIDocument(); err != nil {
		return parsed{}, err
	}
	cat, err := i18n.Load()
	if err != nil {
		return parsed{}, fmt.Errorf("web: message catalogs: %w", err)
	}
	tmpl, err := parseTemplates(cat)
	if err != nil {
		return parsed{}, err
	}
	staticFS, err := fs.Sub(assets, "static")
	if err != nil {
		return parsed{}, fmt.Errorf("web: static files: %w", err)
	}
	static, err := loadStatic(staticFS)
	if err != nil {
		return parsed{}, fmt.Errorf("web: static files: %w", err)
	}
	return parsed{cat: cat, tmpl: tmpl, static: static}, nil
})

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
	if d.Config.MaxImportBytes <= 0 {
		d.Config.MaxImportBytes = DefaultConfig().MaxImportBytes
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
	parsed, err := embeddedParsed()
	if err != nil {
		return nil, err
	}
	// Every profile speaks every language the pages do.
	if err := d.Profiles.Require(parsed.cat.Languages()...); err != nil {
		return nil, fmt.Errorf("web: profiles: %w", err)
	}
	cat, tmpl, static := parsed.cat, parsed.tmpl, parsed.static
	s := &site{
		log: d.Logger, now: func() time.Time { return d.Now().UTC() }, cfg: d.Config, tmpl: tmpl,
		profiles: d.Profiles, profile: p, cop: http.NewCrossOriginProtection(), i18n: cat, metrics: d.Metrics,
	}
	// Each handler group gets the site and only its own part of the store.
	var (
		sess      = &sessions{site: s, store: d.Store}
		auth      = newAuthHandlers(s, d.Store, d.Store, sess)
		assess    = &assessmentPages{site: s, store: d.Store, sessions: sess}
		results   = &resultPages{site: s, store: d.Store, review: d.Store}
		plans     = &planHandlers{site: s, store: d.Store, progress: results}
		acct      = &accountHandlers{site: s, store: d.Store, sharing: d.Store, sessions: sess}
		caseload  = &caseloadHandlers{site: s, store: d.Store}
		learners  = &learnerHandlers{site: s, store: d.Store, review: d.Store}
		recs      = &recommendationHandlers{site: s, store: d.Store}
		reviews   = &resultReviewHandlers{site: s, store: d.Store}
		feedback  = &feedbackHandlers{site: s, store: d.Store, review: reviews}
		noteEdits = &noteEditHandlers{site: s, store: d.Store}
		compares  = &counselorCompareHandlers{site: s, store: d.Store}
		admins    = &adminPages{site: s, store: d.Store}
		people    = &adminPeoplePages{site: s, store: d.Store, list: admins}
		adminJSON = &adminAPI{site: s, store: d.Store}
		audits    = &auditHandlers{site: s, store: d.Store}
		imports   = &importHandlers{site: s, store: d.Store}
		passwords = &passwordHandlers{site: s, store: d.Store, sessions: sess, account: acct}
		resets    = &resetHandlers{site: s, store: d.Store, sessions: sess}
		scores    = &scoreAPI{site: s}
		assessAPI = &assessmentAPI{site: s, store: d.Store, review: d.Store}
		healthz   = &health{store: d.Store, log: d.Logger}
	)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	if d.Metrics != nil {
		r.Use(d.Metrics.measure) // first, so it times and counts everything after it
	}
	r.Use(s.logRequests, s.recover, s.securityHeaders, s.compress, s.chooseLanguage, s.limitBody, s.crossOrigin, sess.load)
	r.NoRoute(func(c *gin.Context) { s.fail(c, http.StatusNotFound, s.T(c, "api.page_not_found")) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, http.StatusMethodNotAllowed, s.T(c, "api.method_not_allowed")) })

	r.GET("/static/*file", s.serveStatic(static))
	r.GET("/healthz", healthz.healthz)

	// Pages anyone may see.
	r.GET("/", s.landingPage)
	r.GET("/register", auth.registerPage)
	r.POST("/register", auth.registerSubmit)
	r.GET("/login", auth.loginPage)
	r.POST("/login", auth.loginSubmit)
	r.POST("/logout", auth.logoutSubmit)
	r.GET("/assessment", assess.assessmentPage)
	r.POST("/assessment", assess.assessmentSubmit)
	r.POST("/assessment/restart", assess.assessmentRestart)
	r.POST("/assessment/start", s.requireUser, s.requireRole(account.RoleLearner), assess.assessmentStart)
	r.GET("/results/:id/what-if", results.whatIfPage) // the same result's answers as a form; stores nothing
	r.GET("/results/:id", results.resultPage)         // a learner's own, or this browser's visitor result
	r.GET("/reset/:token", resets.resetPage)          // an invitation or reset link
	r.POST("/reset/:token", resets.resetSubmit)

	// Pages for logged-in users.
	user := r.Group("/", s.requireUser)
	user.GET("/progress", results.progressPage)
	user.GET("/progress/compare", results.comparePage)
	user.GET("/account", acct.accountPage)
	user.GET("/account/export", acct.exportDownload)
	user.POST("/account/share", acct.shareSubmit)
	user.POST("/account/unshare/:id", acct.unshareSubmit)
	user.POST("/account/delete", acct.deleteAccountSubmit)
	user.POST("/account/timezone", acct.timeZoneSubmit)
	user.POST("/account/password", passwords.passwordSubmit)
	user.POST("/account/logout-others", passwords.logoutOthersSubmit)

	// A learner's plan: added to from a result, changed on /progress.
	learner := r.Group("/plan", s.requireUser, s.requireRole(account.RoleLearner))
	learner.POST("/items", plans.addSubmit)
	learner.POST("/items/:id", plans.updateSubmit)
	learner.POST("/items/:id/delete", plans.deleteSubmit)

	// The counselor workspace. A learner who does not share with the
	// counselor is a 404 everywhere, pages and API, so the counselor cannot
	// tell them apart from an id that does not exist.
	counselor := r.Group("/counselor", s.requireUser, s.requireRole(account.RoleCounselor))
	counselor.GET("", caseload.caseloadPage)
	counselor.GET("/caseload.csv", caseload.caseloadCSV)
	counselor.GET("/cohort", caseload.cohortPage)
	counselor.GET("/learners/:id", learners.learnerPage)
	counselor.POST("/learners/:id/notes", learners.noteSubmit)
	counselor.POST("/learners/:id/flag", learners.flagSubmit)
	counselor.GET("/learners/:id/recommend", recs.recommendPage)
	counselor.POST("/learners/:id/recommendations", recs.recommendSubmit)
	counselor.POST("/learners/:id/recommendations/:rid/delete", recs.recommendationDeleteSubmit)
	counselor.GET("/learners/:id/compare", compares.comparePage)
	counselor.GET("/learners/:id/results/:aid", reviews.reviewPage)
	counselor.POST("/learners/:id/results/:aid/verified", reviews.verifiedSubmit)
	counselor.POST("/learners/:id/results/:aid/verified/delete", reviews.verifiedDeleteSubmit)
	counselor.POST("/learners/:id/results/:aid/feedback", feedback.feedbackSubmit)
	counselor.GET("/learners/:id/feedback/:fid/edit", feedback.feedbackEditPage)
	counselor.POST("/learners/:id/feedback/:fid", feedback.feedbackEditSubmit)
	counselor.POST("/learners/:id/feedback/:fid/delete", feedback.feedbackDeleteSubmit)
	counselor.GET("/learners/:id/notes/:nid/edit", noteEdits.noteEditPage)
	counselor.POST("/learners/:id/notes/:nid", noteEdits.noteEditSubmit)
	counselor.POST("/learners/:id/notes/:nid/delete", noteEdits.noteDeleteSubmit)

	// Admin pages.
	admin := r.Group("/admin", s.requireUser, s.requireRole(account.RoleAdmin))
	admin.GET("/users", admins.adminUsersPage)
	admin.POST("/users", people.createSubmit)
	admin.GET("/users/import", imports.importPage)
	admin.POST("/users/import", imports.importSubmit)
	admin.GET("/users/:id", people.personPage)
	admin.POST("/users/:id", people.personSubmit)
	admin.POST("/users/:id/reset-link", people.resetLinkSubmit)
	admin.POST("/users/:id/role", admins.adminRoleSubmit)
	admin.POST("/users/:id/disabled", admins.adminDisabledSubmit)
	admin.POST("/links", admins.adminLinkSubmit)
	admin.POST("/links/remove", admins.adminUnlinkSubmit)
	admin.GET("/audit", audits.auditPage)

	// The JSON API: open to anyone.
	// Every /api/v1 route is described in openapi.json (see openapi.go).
	api := r.Group("/api/v1", s.noStoreAPI)
	api.GET("/openapi.json", serveOpenAPI)
	api.GET("/profiles/:id", scores.apiProfile)
	api.POST("/score", scores.apiScore)
	api.POST("/auth/register", auth.apiRegister)
	api.POST("/auth/login", auth.apiLogin)
	api.POST("/auth/logout", s.requireUser, auth.apiLogout)

	// The API for any logged-in user.
	apiUser := api.Group("", s.requireUser)
	apiUser.GET("/me", acct.apiMe)
	apiUser.GET("/me/export", acct.apiExport)
	apiUser.DELETE("/me", acct.apiDeleteMe)
	apiUser.POST("/me/password", passwords.apiChangePassword)
	apiUser.POST("/me/logout-others", passwords.apiLogoutOthers)

	// The API for learners.
	apiLearner := apiUser.Group("", s.requireRole(account.RoleLearner))
	apiLearner.POST("/assessments", assessAPI.apiCreateAssessment)
	apiLearner.GET("/assessments", assessAPI.apiListAssessments)
	apiLearner.GET("/assessments/:id", assessAPI.apiGetAssessment)
	apiLearner.GET("/recommendations", assessAPI.apiMyRecommendations)
	apiLearner.GET("/me/counselors", acct.apiCounselors)
	apiLearner.POST("/me/counselors", acct.apiShare)
	apiLearner.DELETE("/me/counselors/:id", acct.apiUnshare)
	apiLearner.GET("/me/access", acct.apiAccess)
	apiLearner.GET("/plan", plans.apiPlan)
	apiLearner.POST("/plan/items", plans.apiAddItem)
	apiLearner.PATCH("/plan/items/:id", plans.apiUpdateItem)
	apiLearner.DELETE("/plan/items/:id", plans.apiDeleteItem)

	// The API for counselors.
	apiCounselor := apiUser.Group("", s.requireRole(account.RoleCounselor))
	apiCounselor.GET("/learners", caseload.apiCaseload)
	apiCounselor.GET("/learners.csv", caseload.caseloadCSV)
	apiCounselor.GET("/learners/:id/assessments", learners.apiLearnerAssessments)
	apiCounselor.GET("/learners/:id/notes", learners.apiNotes)
	apiCounselor.POST("/learners/:id/notes", learners.apiAddNote)
	apiCounselor.PATCH("/learners/:id/notes/:nid", noteEdits.apiEditNote)
	apiCounselor.DELETE("/learners/:id/notes/:nid", noteEdits.apiDeleteNote)
	apiCounselor.GET("/learners/:id/assessments/:aid/feedback", feedback.apiListFeedback)
	apiCounselor.POST("/learners/:id/assessments/:aid/feedback", feedback.apiAddFeedback)
	apiCounselor.PATCH("/learners/:id/assessments/:aid/feedback/:fid", feedback.apiEditFeedback)
	apiCounselor.DELETE("/learners/:id/assessments/:aid/feedback/:fid", feedback.apiDeleteFeedback)
	apiCounselor.GET("/learners/:id/assessments/:aid/verified", reviews.apiGetVerified)
	apiCounselor.PUT("/learners/:id/assessments/:aid/verified", reviews.apiPutVerified)
	apiCounselor.DELETE("/learners/:id/assessments/:aid/verified", reviews.apiDeleteVerified)
	apiCounselor.PUT("/learners/:id/flag", learners.apiSetFlag)
	apiCounselor.GET("/learners/:id/plan", learners.apiLearnerPlan)
	apiCounselor.GET("/learners/:id/recommendations", recs.apiRecommendations)
	apiCounselor.POST("/learners/:id/recommendations", recs.apiRecommend)
	apiCounselor.DELETE("/learners/:id/recommendations/:rid", recs.apiDeleteRecommendation)
	apiCounselor.GET("/cohort", caseload.apiCohort)

	// The API for admins.
	apiAdmin := apiUser.Group("/admin", s.requireRole(account.RoleAdmin))
	apiAdmin.GET("/users", adminJSON.apiUsers)
	apiAdmin.POST("/users", adminJSON.apiCreateUser)
	apiAdmin.POST("/users/import", imports.apiImport)
	apiAdmin.GET("/users/:id", adminJSON.apiUser)
	apiAdmin.PATCH("/users/:id", adminJSON.apiUpdateUser)
	apiAdmin.POST("/users/:id/reset-link", adminJSON.apiResetLink)
	apiAdmin.GET("/audit", audits.apiAudit)

	return headAsGet{r}, nil
}
