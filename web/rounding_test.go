package web

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// shown1 is a score as the English pages show it.
func shown1(x float64) string { return strconv.FormatFloat(i18n.Round(x, 1), 'f', 1, 64) }

// tenthsOf reads a score as shown ("56.3", "56,3") in tenths: 563.
func tenthsOf(t *testing.T, shown, decimal string) int {
	t.Helper()
	x, err := strconv.ParseFloat(strings.Replace(shown, decimal, ".", 1), 64)
	if err != nil {
		t.Fatalf("shown score %q: %v", shown, err)
	}
	return int(x*10 + 0.5*sign(x))
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// signedTenths writes n tenths as a change is shown: "+6.3", "−0.1", "±0.0".
func signedTenths(n int, decimal string) string {
	mark := "+"
	switch {
	case n < 0:
		mark, n = "−", -n
	case n == 0:
		mark = "±"
	}
	return fmt.Sprintf("%s%d%s%d", mark, n/10, decimal, n%10)
}

// A score reads the same on a page, in the chart and in the CSV, in
// English and Spanish, and a change between two scores is the difference
// of the two numbers shown: 50.0 → 56.25 shows 56.3 and +6.3 everywhere.
func TestScores_OneRoundingRuleOnPagesChartAndCSV(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	scores := []float64{56.25, 0.05, 0.15, 0.25, 72.45, 99.95, 40.04, 58.36}
	for k := 0; k <= 2000; k++ {
		scores = append(scores, float64(k)*0.05)
	}
	others := []float64{0, 50, 56.25, 0.15, 72.45, 99.95}
	for _, lang := range []string{"en", "es"} {
		pr := cat.Printer(lang)
		decimal := "."
		if lang == "es" {
			decimal = ","
		}
		fmt1 := langFuncs(pr, time.UTC)["fmt1"].(func(float64) string)
		if got, want := fmt1(56.25), "56"+decimal+"3"; got != want {
			t.Errorf("%s: 56.25 is shown as %q, want %q (halves round up)", lang, got, want)
		}
		for _, x := range scores {
			shown := fmt1(x)
			chart, _ := trendChart([]trendPoint{{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Overall: x}}, nil, pr)
			if got := chart.Rows[0].Overall; got != shown {
				t.Errorf("%s: %v is %q on the page but %q in the chart", lang, x, shown, got)
			}
			rec := caseloadCSVRecord(db.CaseloadEntry{LatestOverall: &x}, csvIDs)
			if got := strings.Replace(rec[3], ".", decimal, 1); got != shown {
				t.Errorf("%s: %v is %q on the page but %q in the CSV", lang, x, shown, rec[3])
			}
			for _, from := range others {
				want := tenthsOf(t, shown, decimal) - tenthsOf(t, fmt1(from), decimal)
				if got := newChange(pr, from, x).Text; got != signedTenths(want, decimal) {
					t.Errorf("%s: %s → %s shows the change %q, want %q", lang, fmt1(from), shown, got, signedTenths(want, decimal))
				}
				if lang != "en" {
					continue
				}
				rec := caseloadCSVRecord(db.CaseloadEntry{LatestOverall: &x, PreviousOverall: &from}, csvIDs)
				csvWant := strings.NewReplacer("+", "", "±", "", "−", "-").Replace(signedTenths(want, "."))
				if rec[5] != csvWant {
					t.Errorf("CSV: %s → %s has the change %q, want %q", fmt1(from), shown, rec[5], csvWant)
				}
			}
		}
	}
}
