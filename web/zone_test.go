package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Times are shown in the zone the user chose on /account (UTC until they
// do), the page says which, and attempts on one day are told apart by
// their time on the chart, in the history and in compare.
func TestTimeZone_ChosenOnAccountShownEverywhere(t *testing.T) {
	app := newTestApp(t) // the clock starts at 2 Mar 2026, 09:00 UTC
	c := app.client()
	app.register(c, "zoe@example.org")
	var ids []int64
	for range 2 {
		resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
		expect(t, resp, body, http.StatusCreated)
		ids = append(ids, decode[storedResult](t, body).ID)
		app.clock.Advance(90 * time.Minute)
	}
	page := func(path string) string {
		resp, body := app.do(c, "GET", path, nil)
		expect(t, resp, body, http.StatusOK)
		return html.UnescapeString(string(body))
	}
	if p := page("/progress"); !strings.Contains(p, "Times are shown in UTC") || !strings.Contains(p, "09:00 UTC") {
		t.Fatalf("before choosing, /progress is not in UTC or does not say so")
	}
	resp, body := app.do(c, "POST", "/account/timezone", url.Values{"time_zone": {"Mars/Olympus_Mons"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Choose a time zone from the list.") {
		t.Error("an unknown zone is not refused beside the field")
	}
	resp, body = app.do(c, "POST", "/account/timezone", url.Values{"time_zone": {"Europe/Madrid"}})
	expect(t, resp, body, http.StatusSeeOther)

	acct := page("/account")
	if !strings.Contains(acct, `<option value="Europe/Madrid" selected>`) || !strings.Contains(acct, "shown in <strong>Europe/Madrid</strong>") {
		t.Error("/account does not show the chosen zone")
	}
	prog := page("/progress")
	for _, want := range []string{"Times are shown in Europe/Madrid time", "10:00 CET", "11:30 CET",
		"2 Mar 2026, 10:00", "2 Mar 2026, 11:30"} { // the history, then the chart's same-day labels
		if !strings.Contains(prog, want) {
			t.Errorf("/progress lacks %q", want)
		}
	}
	if res := page(fmt.Sprintf("/results/%d", ids[0])); !strings.Contains(res, "2 Mar 2026, 10:00 CET") {
		t.Error("the result's date is not in the chosen zone")
	}
	cmp := page(fmt.Sprintf("/progress/compare?a=%d&b=%d", ids[0], ids[1]))
	for _, want := range []string{"2 Mar 2026, 10:00 CET", "2 Mar 2026, 11:30 CET", ">2 Mar 2026, 10:00</th>", ">2 Mar 2026, 11:30</th>"} {
		if !strings.Contains(cmp, want) {
			t.Errorf("compare lacks %q", want)
		}
	}
	// A zone without an abbreviation says its offset; back to UTC works too.
	resp, body = app.do(c, "POST", "/account/timezone", url.Values{"time_zone": {"America/Sao_Paulo"}})
	expect(t, resp, body, http.StatusSeeOther)
	if p := page("/progress"); !strings.Contains(p, "06:00 -03") {
		t.Error("a zone without an abbreviation does not say its offset")
	}
	resp, body = app.do(c, "POST", "/account/timezone", url.Values{"time_zone": {"UTC"}})
	expect(t, resp, body, http.StatusSeeOther)
	if p := page("/progress"); !strings.Contains(p, "09:00 UTC") {
		t.Error("back to UTC, times are not in UTC")
	}
}
