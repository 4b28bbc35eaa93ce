package i18n

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Printer writes text, numbers and dates in one language. It is safe for
// concurrent use; the catalog makes one per language at start-up.
type Printer struct {
	lang   string
	name   string
	loc    *i18n.Localizer
	plain  map[string]string  // messages with one form and no arguments, by key
	filled map[string][]piece // messages with one form whose only actions are {{.Name}}, by key
	keys   map[string]bool    // every key of the language and of English

	decimal        string
	percent        string // pattern with {value}
	months         [12]string
	date, datetime string // patterns with {day} {month} {year} {time}
}

// locale keys every catalog must give: how the language writes its name,
// numbers and dates.
const (
	keyName     = "locale.name"
	keyDecimal  = "locale.decimal"
	keyPercent  = "locale.percent"
	keyMonths   = "locale.months"
	keyDate     = "locale.date"
	keyDateTime = "locale.datetime"
)

func newPrinter(bundle *i18n.Bundle, lang string, mf *i18n.MessageFile) (*Printer, error) {
	p := &Printer{lang: lang, loc: i18n.NewLocalizer(bundle, lang, Default), plain: map[string]string{},
		filled: map[string][]piece{}, keys: map[string]bool{}}
	for _, m := range mf.Messages {
		p.keys[m.ID] = true
		if m.Other == "" {
			return nil, fmt.Errorf("%s: no text (give it as key = \"…\", or its plural forms with other = \"…\")", m.ID)
		}
		if m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" {
			if !strings.Contains(m.Other, "{{") {
				p.plain[m.ID] = m.Other
			} else if ps, ok := fieldsOnly(m.Other); ok {
				p.filled[m.ID] = ps
			}
		}
	}
	var months string
	for _, l := range []struct {
		key string
		dst *string
	}{{keyName, &p.name}, {keyDecimal, &p.decimal}, {keyPercent, &p.percent}, {keyMonths, &months}, {keyDate, &p.date}, {keyDateTime, &p.datetime}} {
		v, ok := p.plain[l.key]
		if !ok {
			return nil, fmt.Errorf("%s: missing; every catalog says how its language writes names, numbers and dates", l.key)
		}
		*l.dst = v
	}
	m := strings.Fields(months)
	if len(m) != 12 {
		return nil, fmt.Errorf("%s: want the 12 month abbreviations separated by spaces, got %d", keyMonths, len(m))
	}
	copy(p.months[:], m)
	return p, nil
}

// Lang is the printer's language tag, for example "es".
func (p *Printer) Lang() string { return p.lang }

// Name is the language's name in itself, for example "Español".
func (p *Printer) Name() string { return p.name }

// T is the message with the key, in the printer's language (or English
// when this language lacks it). Arguments come in name, value pairs and
// fill the message's {{.Name}} fields; a pair named Count also chooses
// the plural form. An unknown key comes back as the key itself, which the
// catalog tests catch.
func (p *Printer) T(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := p.plain[key]; ok {
			return s
		}
	}
	if ps, ok := p.filled[key]; ok {
		if s, ok := fill(ps, args); ok {
			return s
		}
	}
	data := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		data[name] = args[i+1]
	}
	lc := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if n, ok := data["Count"]; ok {
		lc.PluralCount = n
	}
	s, err := p.loc.Localize(lc)
	if s == "" && err != nil {
		return key
	}
	return s
}

// A piece of a message: literal text, then the argument named field
// (none after the last piece).
type piece struct{ text, field string }

var fieldAction = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// fieldsOnly splits a message whose only template actions are {{.Name}}
// into pieces; any other action (a condition, a function) says no.
func fieldsOnly(msg string) ([]piece, bool) {
	var ps []piece
	at := 0
	for _, m := range fieldAction.FindAllStringSubmatchIndex(msg, -1) {
		ps = append(ps, piece{text: msg[at:m[0]], field: msg[m[2]:m[3]]})
		at = m[1]
	}
	ps = append(ps, piece{text: msg[at:]})
	for _, pc := range ps {
		if strings.Contains(pc.text, "{{") {
			return nil, false
		}
	}
	return ps, true
}

// fill writes a message of pieces with the arguments (name, value pairs)
// as go-i18n's template would: the same text for every argument it fills
// here, which are strings and integers. Anything else (another type, a
// missing argument, a Count that would choose a plural) says no and the
// caller asks go-i18n. Filling here costs a tenth of go-i18n's template
// execution, and pages call it hundreds of times (docs/PERFORMANCE.md,
// round 2).
func fill(ps []piece, args []any) (string, bool) {
	var b strings.Builder
	for _, pc := range ps {
		b.WriteString(pc.text)
		if pc.field == "" {
			continue
		}
		var v any
		found := false
		for i := 0; i+1 < len(args); i += 2 {
			if name, _ := args[i].(string); name == "Count" {
				return "", false
			} else if name == pc.field {
				v, found = args[i+1], true
			}
		}
		if !found {
			return "", false
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Round is the one rounding rule for every number shown: to decimals
// places, halves away from zero, as a person rounds (56.25 is 56.3). x is
// first snapped to a millionth of the last place, so a value whose binary
// form falls a hair under a half (0.15, 72.45) rounds as the half it is
// written as. A result of zero is never -0.
func Round(x float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	r := math.Round(math.Round(x*scale*1e6)/1e6) / scale
	if r == 0 {
		return 0
	}
	return r
}

// Num writes x rounded by Round with the given decimals and the language's
// decimal mark: 72.5 is "72.5" in English and "72,5" in Spanish.
func (p *Printer) Num(x float64, decimals int) string {
	s := strconv.FormatFloat(Round(x, decimals), 'f', decimals, 64)
	if p.decimal != "." {
		s = strings.Replace(s, ".", p.decimal, 1)
	}
	return s
}

// Signed writes a change to one decimal with its sign: "+1.5", "−2.0"
// (a true minus sign), "±0.0".
func (p *Printer) Signed(x float64) string {
	r := Round(x, 1)
	switch {
	case r > 0:
		return "+" + p.Num(r, 1)
	case r < 0:
		return "−" + p.Num(-r, 1)
	}
	return "±" + p.Num(0, 1)
}

// Percent writes x, clamped to 0–100, as a percentage with one decimal,
// in the language's style ("72.5%", "72,5 %").
func (p *Printer) Percent(x float64) string {
	return strings.Replace(p.percent, "{value}", p.Num(math.Max(0, math.Min(100, x)), 1), 1)
}

// Date writes a day as the language does: "25 Nov 2026", "25 nov 2026".
func (p *Printer) Date(t time.Time) string { return p.DateIn(t, time.UTC) }

// DateIn writes the day t falls on in loc.
func (p *Printer) DateIn(t time.Time, loc *time.Location) string { return p.fill(p.date, t.In(loc)) }

// DateTime writes a moment in UTC: "25 Nov 2026, 14:05 UTC".
func (p *Printer) DateTime(t time.Time) string { return p.DateTimeIn(t, time.UTC) }

// DateTimeIn writes a moment in loc, saying which zone: "25 Nov 2026,
// 15:05 CET" (a zone without an abbreviation gives its offset, "-03").
func (p *Printer) DateTimeIn(t time.Time, loc *time.Location) string {
	return p.fill(p.datetime, t.In(loc))
}

// Month is the abbreviated name of a month.
func (p *Printer) Month(m time.Month) string { return p.months[m-1] }

func (p *Printer) fill(pattern string, t time.Time) string {
	return strings.NewReplacer(
		"{day}", strconv.Itoa(t.Day()),
		"{month}", p.months[t.Month()-1],
		"{year}", strconv.Itoa(t.Year()),
		"{time}", t.Format("15:04"),
		"{zone}", t.Format("MST"),
	).Replace(pattern)
}

// Has reports whether the catalog of the printer's language, or English,
// has the key.
func (p *Printer) Has(key string) bool {
	if _, ok := p.plain[key]; ok {
		return true
	}
	_, ok := p.keys[key]
	return ok
}
