package web

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func chartDay(day int) time.Time { return time.Date(2026, 1, day, 12, 0, 0, 0, time.UTC) }

func TestTrendChart_NoPointsNoChart(t *testing.T) {
	if _, ok := trendChart(nil, []dimInfo{{"web", "Web"}}, enPrinter(t)); ok {
		t.Error("trendChart(nil) drew a chart")
	}
}

func TestTrendChart_Coordinates(t *testing.T) {
	points := []trendPoint{
		{At: chartDay(3), Overall: 0, Dims: map[string]float64{"web": 100}},
		{At: chartDay(4), Overall: 50, Dims: map[string]float64{"web": 25}},
		{At: chartDay(5), Overall: 100, Dims: map[string]float64{"web": 0}},
	}
	v, ok := trendChart(points, []dimInfo{{"web", "Web"}}, enPrinter(t))
	if !ok || len(v.Layouts) != 2 {
		t.Fatalf("trendChart = %v layouts, ok %v", len(v.Layouts), ok)
	}
	p := v.Layouts[0] // wide: plot x 44–768 (points inset 14), y 16–300
	if p.Class != "wide" || p.Left != 44 || p.Right != 768 || p.Top != 16 || p.Bottom != 300 {
		t.Fatalf("wide plot area = %+v", p)
	}
	if got, want := p.Overall.Segments, []string{"58,300 406,158 754,16"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("overall = %q, want %q", got, want)
	}
	if got, want := p.Dims[0].Segments, []string{"58,16 406,229 754,300"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("web line = %q, want %q", got, want)
	}
	var labels []string
	for i, tick := range p.YTicks {
		labels = append(labels, tick.Label)
		if want := 300 - 56.8*float64(i); tick.Pos != round1(want) {
			t.Errorf("y tick %s at %v, want %v", tick.Label, tick.Pos, round1(want))
		}
	}
	if strings.Join(labels, " ") != "0 20 40 60 80 100" {
		t.Errorf("y labels = %v", labels)
	}
	if len(p.XTicks) != 3 || p.XTicks[0].Label != "3 Jan 2026" || p.XTicks[2].Pos != 754 {
		t.Errorf("x ticks = %+v", p.XTicks)
	}
	if m := p.Overall.Markers[1]; m.X != 406 || m.Y != 158 || m.Label != "4 Jan 2026: overall 50.0" {
		t.Errorf("marker = %+v", m)
	}
	if v.Title != "Overall went from 0.0 on 3 Jan 2026 to 100.0 on 5 Jan 2026 over 3 attempts" {
		t.Errorf("title = %q", v.Title)
	}
	if v.Desc != "Scores out of 100 by area: Web from 100.0 to 0.0." {
		t.Errorf("desc = %q", v.Desc)
	}
}

func TestTrendChart_SummaryWording(t *testing.T) {
	points := []trendPoint{
		{At: time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC), Overall: 42.08},
		{At: time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC), Overall: 50},
		{At: time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC), Overall: 61},
		{At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Overall: 68},
	}
	v, _ := trendChart(points, nil, enPrinter(t))
	if want := "Overall went from 42.1 on 3 Jan 2026 to 68.0 on 2 Mar 2026 over 4 attempts"; v.Title != want {
		t.Errorf("title = %q, want %q", v.Title, want)
	}
}

func TestTrendChart_ThinsDateLabelsSoTheyNeverOverlap(t *testing.T) {
	for _, n := range []int{2, 3, 4, 5, 6, 7, 9, 12, 20, 31, 60, 200} {
		points := make([]trendPoint, n)
		for i := range points {
			points[i] = trendPoint{At: chartDay(1).AddDate(0, 0, i), Overall: float64(i % 100)}
		}
		v, _ := trendChart(points, nil, enPrinter(t))
		for li, l := range []chartLayout{wideLayout, narrowLayout} {
			ticks := v.Layouts[li].XTicks
			if len(ticks) < 2 {
				t.Errorf("n=%d %s: %d labels, want at least first and last", n, l.class, len(ticks))
				continue
			}
			if ticks[0].Label != enPrinter(t).Date(points[0].At) || ticks[len(ticks)-1].Label != enPrinter(t).Date(points[n-1].At) {
				t.Errorf("n=%d %s: labels %q … %q, want first and last date", n, l.class, ticks[0].Label, ticks[len(ticks)-1].Label)
			}
			for i := 1; i < len(ticks); i++ {
				if gap := ticks[i].Pos - ticks[i-1].Pos; gap < l.labelGap {
					t.Errorf("n=%d %s: labels %d and %d only %.1f apart", n, l.class, i-1, i, gap)
				}
			}
			if n > 10 && len(ticks) >= n {
				t.Errorf("n=%d %s: %d labels, want thinned", n, l.class, len(ticks))
			}
		}
	}
}

func TestTrendChart_OnePointIsCentredAndLabelled(t *testing.T) {
	v, ok := trendChart([]trendPoint{{At: chartDay(3), Overall: 42.1, Dims: map[string]float64{"web": 30}}}, []dimInfo{{"web", "Web"}}, enPrinter(t))
	if !ok {
		t.Fatal("no chart for one point")
	}
	p := v.Layouts[0]
	if len(p.Overall.Markers) != 1 || p.Overall.Markers[0].X != (p.Left+p.Right)/2 {
		t.Errorf("markers = %+v", p.Overall.Markers)
	}
	if len(p.XTicks) != 1 || p.XTicks[0].Label != "3 Jan 2026" {
		t.Errorf("x ticks = %+v", p.XTicks)
	}
	if v.Title != "Overall score 42.1 on 3 Jan 2026, the only attempt so far" {
		t.Errorf("title = %q", v.Title)
	}
	if d := p.Dims[0]; len(d.Segments) != 0 || len(d.Markers) != 1 || d.Markers[0].X != p.Overall.Markers[0].X {
		t.Errorf("web = %+v, want one dot under the overall marker", d)
	}
	if len(v.Rows) != 1 || v.Rows[0].Overall != "42.1" || v.Rows[0].Scores[0] != "30.0" {
		t.Errorf("rows = %+v", v.Rows)
	}
}

func TestTrendChart_MissingDimensionBreaksItsLine(t *testing.T) {
	points := []trendPoint{
		{At: chartDay(3), Overall: 10, Dims: map[string]float64{"web": 10}},
		{At: chartDay(4), Overall: 20, Dims: map[string]float64{"web": 20}},
		{At: chartDay(5), Overall: 30},
		{At: chartDay(6), Overall: 40, Dims: map[string]float64{"web": 40}},
	}
	v, _ := trendChart(points, []dimInfo{{"web", "Web"}}, enPrinter(t))
	web := v.Layouts[0].Dims[0]
	if len(web.Segments) != 1 || strings.Count(web.Segments[0], ",") != 2 {
		t.Errorf("segments = %q, want one of two points", web.Segments)
	}
	if len(web.Markers) != 1 || web.Markers[0].Label != "6 Jan 2026: Web 40.0" {
		t.Errorf("markers = %+v, want the lone last point as a dot", web.Markers)
	}
	if v.Rows[2].Scores[0] != "–" {
		t.Errorf("missing score shows %q", v.Rows[2].Scores[0])
	}
}

func TestTrendChart_DimensionColoursDiffer(t *testing.T) {
	dims := []dimInfo{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}, {"e", "E"}, {"f", "F"}}
	v, _ := trendChart([]trendPoint{{At: chartDay(3), Overall: 1}}, dims, enPrinter(t))
	seen := map[string]bool{overallColour: true}
	for _, s := range v.Legend[1:] {
		if seen[s.Colour] {
			t.Errorf("%s reuses colour %s", s.Name, s.Colour)
		}
		seen[s.Colour] = true
	}
}

func TestTrendChartTemplate_EscapesText(t *testing.T) {
	s, _ := testSite(t)
	tmpl := s.tmpl["en"]
	evil := `<script>alert("x")</script>`
	v, _ := trendChart([]trendPoint{
		{At: chartDay(3), Overall: 10, Dims: map[string]float64{"x": 5}},
		{At: chartDay(4), Overall: 20, Dims: map[string]float64{"x": 6}},
	}, []dimInfo{{"x", evil}}, enPrinter(t))
	var buf bytes.Buffer
	if err := tmpl["progress"].ExecuteTemplate(&buf, "trend-chart", v); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") {
		t.Error("dimension name rendered unescaped")
	}
	for _, want := range []string{"&lt;script&gt;", `role="img"`, `<th scope="col" class="num">Overall</th>`, `<th scope="row">3 Jan 2026</th>`, `points="58,271.6 754,243.2"`} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
	if strings.Contains(out, "style=") {
		t.Error("chart uses an inline style attribute, which the CSP forbids")
	}
}

func TestLabelPoints_TimeOnlyWhereDatesCollide(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC).In(madrid) }
	points := []trendPoint{{At: at(1, 9, 0)}, {At: at(2, 9, 0)}, {At: at(2, 10, 30)}, {At: at(2, 23, 30)}}
	got := labelPoints(points, enPrinter(t))
	// 23:30 UTC on 2 March is 00:30 on 3 March in Madrid: its own day.
	want := []string{"1 Mar 2026", "2 Mar 2026, 10:00", "2 Mar 2026, 11:30", "3 Mar 2026"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("labels %q, want %q", got, want)
	}
	v, _ := trendChart(points, nil, enPrinter(t))
	if v.Rows[1].Date != want[1] || v.Layouts[0].Overall.Markers[2].Label != "2 Mar 2026, 11:30: overall 0.0" {
		t.Errorf("the table and the markers do not use the labels: %q, %q", v.Rows[1].Date, v.Layouts[0].Overall.Markers[2].Label)
	}
}
