package web

// The visitor's whole journey in Spanish in a real chromium, with axe on
// every page it passes: chosen once with the language switch, kept by the
// cookie, numbers with a decimal comma, the profile's texts in Spanish,
// and back to English with the switch.

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

func TestE2E_SpanishVisitorJourney(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	app := newTestApp(t)
	en := builtinProfile(t)
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	es, ok := reg.LookupIn(en.ID, "es")
	if !ok {
		t.Fatal("no Spanish profile")
	}
	p := app.inBrowserFor(t, b.tab(t), 4*scenarioTimeout)

	// English until the switch is used; then Spanish, kept by the cookie.
	p.open("/")
	p.wantText("h1", "Are you ready")
	p.clickThrough(`li.lang-switch a[hreflang="es"]`)
	if lang := eval[string](p, `document.documentElement.lang`); lang != "es" {
		t.Fatalf("after the switch, <html lang=%q>", lang)
	}
	p.wantText("h1", "¿Está preparado/a")
	p.auditHere(t, "landing in Spanish", axe)
	p.auditPath(t, "register in Spanish", "/register", axe, http.StatusOK)
	p.clickThrough(`main form button[type="submit"]`)
	p.wantText(".field.has-error p.error", "Escriba")
	p.auditHere(t, "register with errors in Spanish", axe)
	p.auditPath(t, "login in Spanish", "/login", axe, http.StatusOK)

	// The assessment: a section refused, then every section answered.
	p.open("/assessment?section=1")
	p.wantText("h1", es.Dimensions[0].Name)
	p.next()
	p.wantText("#error-summary h2", "necesitan su atención")
	p.auditHere(t, "section with errors in Spanish", axe)
	answers := modestAnswers()
	for n := 1; n <= len(es.Dimensions); n++ {
		p.wantText("h1", es.Dimensions[n-1].Name)
		p.wantText("legend", es.QuestionsIn(es.Dimensions[n-1].ID)[0].Prompt)
		if n == 2 {
			p.auditHere(t, "a rating section in Spanish", axe)
		}
		p.answerByClicking(es, answers)
		p.next()
	}

	// The result, as the API scores it in Spanish.
	resp, body := app.do(app.client(), "POST", "/api/v1/score?lang=es", map[string]any{"profile": en.ID, "answers": answers})
	expect(t, resp, body, http.StatusOK)
	var want scoring.Result
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	band, _ := es.Band(want.Band)
	p.wantText("h1", band.Name)
	score := strings.Replace(strings.TrimSpace(eval[string](p, `document.querySelector("h1 .score").firstChild.textContent`)), ",", ".", 1)
	if !strings.Contains(eval[string](p, `document.querySelector("h1 .score").textContent`), ",") {
		t.Errorf("the score %q has no decimal comma", score)
	}
	steps := eval[[]string](p, `[...document.querySelectorAll("ol.steps > li.step h3")].map(h => h.textContent.trim())`)
	var wantSteps []string
	for _, st := range want.Steps {
		if !st.AlsoConsider() {
			wantSteps = append(wantSteps, st.Title)
		}
	}
	if len(wantSteps) == 0 || !slices.Equal(steps, wantSteps) {
		t.Errorf("steps on screen %q, want %q", steps, wantSteps)
	}
	bars := eval[[]string](p, `[...document.querySelectorAll('ul.bars svg.bar[role="img"]')].map(s => s.getAttribute("aria-label"))`)
	if len(bars) != len(es.Dimensions) || !strings.HasPrefix(bars[0], es.Dimensions[0].Name+": ") || !strings.HasSuffix(bars[0], " de 100") {
		t.Errorf("bars say %q", bars)
	}
	p.auditHere(t, "visitor result in Spanish", axe)

	// Saved by creating an account, in Spanish all the way.
	p.clickThrough(`a[href="/register?save=1"]`)
	p.typeInto("#f-name", "Lucía Visitante")
	p.typeInto("#f-email", "lucia@example.com")
	p.typeInto("#f-password", e2ePassword)
	p.clickThrough(`main form button[type="submit"]`)
	p.wantText(".flash", "Su resultado quedó guardado en su cuenta.")
	p.auditHere(t, "saved result in Spanish", axe)
	p.auditPath(t, "progress in Spanish", "/progress", axe, http.StatusOK)
	p.wantText("h1", "Su progreso")
	if title := eval[string](p, `document.querySelector("svg.chart title").textContent`); !strings.Contains(title, "Puntaje general") {
		t.Errorf("the chart's summary %q is not in Spanish", title)
	}
	p.auditPath(t, "account in Spanish", "/account", axe, http.StatusOK)

	// Back to English with the switch, on the same page.
	p.clickThrough(`li.lang-switch a[hreflang="en"]`)
	if lang := eval[string](p, `document.documentElement.lang`); lang != "en" || !strings.HasPrefix(p.path(), "/account") {
		t.Errorf("after switching back: <html lang=%q> at %s", lang, p.path())
	}
	p.wantText("h1", "Your account")
}
