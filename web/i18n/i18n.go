// Package i18n holds Readiness's interface text in every language it speaks:
// one message catalog per language (en.toml, es.toml, … embedded beside
// this file), the choice of a language for a request, and the formatting of
// numbers and dates for it. Catalogs are read with go-i18n, so messages may
// take arguments and have plural forms.
//
// A message is looked up by key (for example "nav.account"); the key is the
// same in every catalog. English is the source language and the fallback.
package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// Default is the source language: every key exists in it, and any
// language falls back to it.
const Default = "en"

//go:embed *.toml
var catalogs embed.FS

// Catalog is every language's messages, loaded once at start-up.
type Catalog struct {
	langs    []string // Default first, then the others sorted
	printers map[string]*Printer
	matcher  language.Matcher
	keys     map[string][]string // language → its keys, sorted
}

// Load reads the embedded catalogs. A catalog that does not parse, lacks
// its locale settings or has a message without text is an error naming
// the file and the key.
func Load() (*Catalog, error) { return LoadFS(catalogs, ".") }

// LoadFS reads every LANG.toml in dir of fsys; tests use it for broken
// catalogs.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{printers: map[string]*Printer{}, keys: map[string][]string{}}
	var errs []error
	files := map[string]*i18n.MessageFile{}
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".toml")
		if tag, err := language.Parse(lang); err != nil || tag.String() != lang {
			errs = append(errs, fmt.Errorf("%s: the file name must be a language tag such as es.toml", name))
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		mf, err := bundle.ParseMessageFileBytes(data, path.Base(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		files[lang] = mf
	}
	if _, ok := files[Default]; !ok && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no %s.toml, the source catalog", dir, Default))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.langs = append(c.langs, Default)
	for lang := range files {
		if lang != Default {
			c.langs = append(c.langs, lang)
		}
	}
	sort.Strings(c.langs[1:])
	tags := make([]language.Tag, len(c.langs))
	for i, lang := range c.langs {
		tags[i] = language.MustParse(lang)
		mf := files[lang]
		p, err := newPrinter(bundle, lang, mf)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.toml: %w", lang, err))
			continue
		}
		c.printers[lang] = p
		for _, m := range mf.Messages {
			c.keys[lang] = append(c.keys[lang], m.ID)
		}
		sort.Strings(c.keys[lang])
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, p := range c.printers { // English is every language's fallback
		for key := range c.printers[Default].keys {
			p.keys[key] = true
		}
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Languages lists the languages, the default first.
func (c *Catalog) Languages() []string { return append([]string(nil), c.langs...) }

// Keys lists a language's message keys, sorted.
func (c *Catalog) Keys(lang string) []string { return append([]string(nil), c.keys[lang]...) }

// Supported reports whether lang is exactly one of the catalog's languages.
func (c *Catalog) Supported(lang string) bool {
	_, ok := c.printers[lang]
	return ok
}

// Printer returns the printer of a language, or the default language's
// for one the catalog does not have.
func (c *Catalog) Printer(lang string) *Printer {
	if p, ok := c.printers[lang]; ok {
		return p
	}
	return c.printers[Default]
}

// Match picks the language for an Accept-Language header: the best of
// the catalog's languages the reader accepts, else the default.
func (c *Catalog) Match(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Default
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return Default
	}
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return Default
	}
	return c.langs[i]
}
