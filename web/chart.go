package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/readiness/readiness/web/i18n"
)

// The trend chart is drawn on the server as SVG so it needs no script and
// passes the CSP. trendChart does the geometry; the "trend-chart" template
// (templates/partials/trend.html) only prints it, so html/template escapes
// every piece of text.

// trendPoint is one attempt on the chart. Dims holds dimension scores by
// dimension id; a dimension an attempt lacks leaves a gap in its line.
type trendPoint struct {
	At      time.Time
	Overall float64
	Dims    map[string]float64
}

// dimInfo names one dimension line, in legend order.
type dimInfo struct {
	ID, Name string
}

// chartView is everything the "trend-chart" template needs: one plot per
// layout (a wide one and a narrow one for phones, shown by CSS), the legend
// and the same data as a table.
type chartView struct {
	Title   string // short summary: aria-label and <title>
	Desc    string // longer summary of every line: <desc>
	Layouts []chartPlot
	Legend  []chartSeries // overall first, then the dimensions
	Columns []string      // the table's score columns after the date
	Rows    []chartRow    // oldest first, as on the chart
}

// chartPlot is the chart drawn at one size, in SVG user units.
type chartPlot struct {
	Class         string // "wide" or "narrow"
	Width, Height float64
	Left, Right   float64 // x of the plot area's edges
	Top, Bottom   float64 // y of the plot area's edges
	YLabelX       float64 // right edge of the value labels
	XLabelY       float64 // baseline of the date labels
	XTickEnd      float64 // bottom of the date ticks
	YTicks        []chartTick
	XTicks        []chartTick
	Overall       chartSeries
	Dims          []chartSeries
}

// chartTick is one labelled gridline or axis tick.
type chartTick struct {
	Pos   float64 // y for the value axis, x for the date axis
	Label string
}

// chartSeries is one line: its polyline segments and markers: for the
// overall line one on each point, for a dimension one on each point that
// has no neighbour to join.
type chartSeries struct {
	Name     string
	Class    string // CSS class: "overall" or "dim dim-N"
	Colour   string // stroke colour, ≥3:1 contrast on white
	Segments []string
	Markers  []chartMarker
}

// chartMarker is one point of the overall line, with its tooltip.
type chartMarker struct {
	X, Y  float64
	Label string
}

// chartRow is one attempt in the data table.
type chartRow struct {
	Date    string
	Overall string
	Scores  []string // per column of chartView.Columns after Overall; "–" when missing
}

// overallColour is the brand blue; dimColours cycle for the dimension lines.
// Each has at least 3:1 contrast on white (most above 4.5:1).
const overallColour = "#1d4e89"

var dimColours = []string{"#b35900", "#7b3294", "#00798c", "#c0392b", "#3d7a1f", "#5d5d5d", "#8a6d00", "#a0307a"}

// chartLayout fixes one plot size. LabelGap is the least distance, in user
// units, between two date labels' centres so they never overlap.
type chartLayout struct {
	class                    string
	width, height            float64
	left, right, top, bottom float64 // margins
	labelGap                 float64
}

var (
	wideLayout   = chartLayout{class: "wide", width: 800, height: 340, left: 44, right: 32, top: 16, bottom: 40, labelGap: 96}
	narrowLayout = chartLayout{class: "narrow", width: 360, height: 260, left: 36, right: 28, top: 14, bottom: 40, labelGap: 100}
)

// labelPoints names each point by its date in pr's language, in the
// time's own location (the reader's zone), with the time of day too when
// another point falls on the same date, so same-day attempts differ.
func labelPoints(points []trendPoint, pr *i18n.Printer) []string {
	perDay := map[string]int{}
	for _, p := range points {
		perDay[p.At.Format("2006-01-02")]++
	}
	labels := make([]string, len(points))
	for i, p := range points {
		labels[i] = pr.DateIn(p.At, p.At.Location())
		if perDay[p.At.Format("2006-01-02")] > 1 {
			labels[i] += ", " + p.At.Format("15:04")
		}
	}
	return labels
}

// trendChart builds the trend chart of points, given oldest first, with
// its words, numbers and dates in pr's language. With no points there is
// no chart: it returns the zero chartView and false.
func trendChart(points []trendPoint, dims []dimInfo, pr *i18n.Printer) (chartView, bool) {
	if len(points) == 0 {
		return chartView{}, false
	}
	labels := labelPoints(points, pr)
	v := chartView{Title: trendSummary(points, labels, pr), Desc: trendDesc(points, dims, pr)}
	for _, l := range []chartLayout{wideLayout, narrowLayout} {
		v.Layouts = append(v.Layouts, l.plot(points, labels, dims, pr))
	}
	v.Legend = append(v.Legend, chartSeries{Name: pr.T("chart.overall"), Class: "overall", Colour: overallColour})
	v.Columns = []string{pr.T("chart.overall")}
	for i, d := range dims {
		v.Legend = append(v.Legend, dimSeries(i, d))
		v.Columns = append(v.Columns, d.Name)
	}
	for i, p := range points {
		row := chartRow{Date: labels[i], Overall: pr.Num(p.Overall, 1)}
		for _, d := range dims {
			s := "–"
			if x, ok := p.Dims[d.ID]; ok {
				s = pr.Num(x, 1)
			}
			row.Scores = append(row.Scores, s)
		}
		v.Rows = append(v.Rows, row)
	}
	return v, true
}

func dimSeries(i int, d dimInfo) chartSeries {
	return chartSeries{Name: d.Name, Class: fmt.Sprintf("dim dim-%d", i%len(dimColours)), Colour: dimColours[i%len(dimColours)]}
}

func (l chartLayout) plot(points []trendPoint, labels []string, dims []dimInfo, pr *i18n.Printer) chartPlot {
	p := chartPlot{
		Class: l.class, Width: l.width, Height: l.height,
		Left: l.left, Right: l.width - l.right, Top: l.top, Bottom: l.height - l.bottom,
	}
	p.YLabelX, p.XLabelY, p.XTickEnd = p.Left-6, p.Bottom+22, p.Bottom+5
	// Points sit inside the plot area, clear of the value axis.
	const inset = 14
	xs := make([]float64, len(points))
	for i := range points {
		if len(points) == 1 {
			xs[i] = round1((p.Left + p.Right) / 2)
		} else {
			span := p.Right - p.Left - 2*inset
			xs[i] = round1(p.Left + inset + span*float64(i)/float64(len(points)-1))
		}
	}
	y := func(score float64) float64 {
		score = math.Max(0, math.Min(100, score))
		return round1(p.Bottom - (p.Bottom-p.Top)*score/100)
	}
	for v := 0; v <= 100; v += 20 {
		p.YTicks = append(p.YTicks, chartTick{Pos: y(float64(v)), Label: fmt.Sprint(v)})
	}
	for _, i := range thinLabels(xs, l.labelGap) {
		p.XTicks = append(p.XTicks, chartTick{Pos: xs[i], Label: labels[i]})
	}

	p.Overall = chartSeries{Name: pr.T("chart.overall"), Class: "overall", Colour: overallColour}
	var seg []string
	for i, pt := range points {
		seg = append(seg, fmt.Sprintf("%g,%g", xs[i], y(pt.Overall)))
		p.Overall.Markers = append(p.Overall.Markers, chartMarker{X: xs[i], Y: y(pt.Overall),
			Label: pr.T("chart.marker_overall", "Date", labels[i], "Score", pr.Num(pt.Overall, 1))})
	}
	p.Overall.Segments = []string{strings.Join(seg, " ")}

	for di, d := range dims {
		s := dimSeries(di, d)
		seg = seg[:0]
		var lone chartMarker // the only point of the current segment
		flush := func() {
			switch {
			case len(seg) == 1:
				// A line of one point draws nothing: show it as a dot.
				s.Markers = append(s.Markers, lone)
			case len(seg) > 1:
				s.Segments = append(s.Segments, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, pt := range points {
			score, ok := pt.Dims[d.ID]
			if !ok {
				flush()
				continue
			}
			if len(seg) == 0 {
				lone = chartMarker{X: xs[i], Y: y(score), Label: pr.T("chart.marker_area", "Date", labels[i], "Area", d.Name, "Score", pr.Num(score, 1))}
			}
			seg = append(seg, fmt.Sprintf("%g,%g", xs[i], y(score)))
		}
		flush()
		p.Dims = append(p.Dims, s)
	}
	return p
}

// thinLabels picks which of the x positions (ascending) get a date label so
// that labels are at least gap apart: every step-th point, always the first
// and the last, dropping the one before the last if it would crowd it.
func thinLabels(xs []float64, gap float64) []int {
	n := len(xs)
	if n == 0 {
		return nil
	}
	if n == 1 {
		return []int{0}
	}
	spacing := xs[1] - xs[0]
	step := 1
	if spacing > 0 && spacing < gap {
		step = int(math.Ceil(gap / spacing))
	}
	var out []int
	for i := 0; i < n-1; i += step {
		out = append(out, i)
	}
	if last := out[len(out)-1]; len(out) > 1 && xs[n-1]-xs[last] < gap {
		out = out[:len(out)-1]
	}
	if xs[n-1]-xs[out[len(out)-1]] >= gap {
		out = append(out, n-1)
	}
	return out
}

// trendSummary is the chart's short text alternative.
func trendSummary(points []trendPoint, labels []string, pr *i18n.Printer) string {
	first, last := points[0], points[len(points)-1]
	if len(points) == 1 {
		return pr.T("chart.summary_one", "Score", pr.Num(first.Overall, 1), "Date", labels[0])
	}
	return pr.T("chart.summary", "From", pr.Num(first.Overall, 1), "FromDate", labels[0],
		"To", pr.Num(last.Overall, 1), "ToDate", labels[len(labels)-1], "Count", len(points))
}

// trendDesc says where each dimension line starts and ends.
func trendDesc(points []trendPoint, dims []dimInfo, pr *i18n.Printer) string {
	var parts []string
	for _, d := range dims {
		var from, to *float64
		for _, p := range points {
			if x, ok := p.Dims[d.ID]; ok {
				if from == nil {
					from = &x
				}
				to = &x
			}
		}
		switch {
		case from == nil:
		case len(points) == 1:
			parts = append(parts, pr.T("chart.desc_one", "Area", d.Name, "Score", pr.Num(*from, 1)))
		default:
			parts = append(parts, pr.T("chart.desc_part", "Area", d.Name, "From", pr.Num(*from, 1), "To", pr.Num(*to, 1)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return pr.T("chart.desc", "Parts", strings.Join(parts, "; "))
}

func round1(x float64) float64 { return i18n.Round(x, 1) }
