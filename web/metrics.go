package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the web layer's Prometheus instruments: requests by route
// and status, their latency, results stored, failed and throttled logins.
// A nil *Metrics records nothing, so a server run without a metrics
// listener pays nothing for them.
type Metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	resultsStored *prometheus.CounterVec
	loginFailures prometheus.Counter
	throttled     *prometheus.CounterVec
}

// Owners of a stored result, the results_stored_total label.
const (
	ownerLearner = "learner" // in an account's history
	ownerVisitor = "visitor" // with a browser session, until they register
)

// Actions refused by throttling, the throttled_attempts_total label.
const (
	throttledLogin    = "login"
	throttledRegister = "register"
)

// NewMetrics makes the instruments and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "readiness", Subsystem: "http", Name: "requests_total",
			Help: "Requests answered, by method, route template (not the raw path) and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "readiness", Subsystem: "http", Name: "request_duration_seconds",
			Help: "Time from the request reaching the router to its answer being written, by method and route template.",
			// The score API answers in well under a millisecond; a submission
			// waits for the disk; a page with a long history takes longer.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		resultsStored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "readiness", Name: "results_stored_total",
			Help: "Scored results stored: a learner's (in their history) or a visitor's (kept with the browser session).",
		}, []string{"owner"}),
		loginFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "readiness", Name: "login_failures_total",
			Help: "Logins refused for a wrong email or password, on the pages and the API.",
		}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "readiness", Name: "throttled_attempts_total",
			Help: "Attempts refused by throttling (429) before any password was checked, by action: login or register.",
		}, []string{"action"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.resultsStored, m.loginFailures, m.throttled} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	// The labelled counters start at zero, so a rate over them is defined
	// before the first event.
	m.resultsStored.WithLabelValues(ownerLearner)
	m.resultsStored.WithLabelValues(ownerVisitor)
	m.throttled.WithLabelValues(throttledLogin)
	m.throttled.WithLabelValues(throttledRegister)
	return m, nil
}

// measure counts and times each request under its route template, so ids
// in paths make no new series; a request no route matches is "unmatched".
func (m *Metrics) measure(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := methodLabel(requestMethod(c.Request))
	m.requests.WithLabelValues(method, route, codeLabel(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

func (m *Metrics) resultStored(owner string) {
	if m != nil {
		m.resultsStored.WithLabelValues(owner).Inc()
	}
}

func (m *Metrics) loginFailed() {
	if m != nil {
		m.loginFailures.Inc()
	}
}

func (m *Metrics) throttledAttempt(action string) {
	if m != nil {
		m.throttled.WithLabelValues(action).Inc()
	}
}

// methodLabel keeps the method label to the methods HTTP defines, so a
// client making up methods cannot make up series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// codeLabels are the status codes as label values, made once: strconv
// would allocate a string for each request.
var codeLabels = func() (labels [600]string) {
	for code := 100; code < len(labels); code++ {
		labels[code] = strconv.Itoa(code)
	}
	return labels
}()

func codeLabel(code int) string {
	if code >= 100 && code < len(codeLabels) {
		return codeLabels[code]
	}
	return strconv.Itoa(code)
}
