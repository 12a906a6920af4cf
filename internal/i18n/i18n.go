// Package i18n owns Majordome's words in French and English: the message catalogues, how a
// message is chosen for a language, and how numbers and dates are written for French readers.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

//go:embed locales
var localesFS embed.FS

// Languages are the interface languages, the default first.
var Languages = []string{"fr", "en"}

// Default is the language used when nothing else is known.
const Default = "fr"

// Catalog holds the messages of every language. Each language is a folder of JSON files (one per
// area of the product: common.json, people.json…) that are merged, so teams working on different
// areas do not edit the same file.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogues. A key present in one language and missing in another is an
// error: the tests and start-up catch it rather than a person seeing a raw key.
func Load() (*Catalog, error) {
	return load(localesFS)
}

func load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		c.msgs[lang] = map[string]string{}
		files, err := fs.Glob(fsys, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := c.msgs[lang][k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice", f, k)
				}
				c.msgs[lang][k] = v
			}
		}
	}
	var missing []string
	for _, lang := range Languages {
		for _, other := range Languages {
			for k := range c.msgs[other] {
				if _, ok := c.msgs[lang][k]; !ok {
					missing = append(missing, lang+":"+k)
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("i18n: missing translations: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[Default][key]
	return ok
}

// Keys lists every key, for tests.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs[Default]))
	for k := range c.msgs[Default] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the message key in lang with its {placeholders} replaced from args, given as
// name, value pairs: T("fr", "people.count", "n", 12). An unknown key is returned as is.
// A key with plural forms key.one / key.other is chosen by the "n" argument (French counts 0
// and 1 as singular).
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang]
	if !ok {
		m = c.msgs[Default]
	}
	msg, ok := m[key]
	if !ok {
		if n, has := nArg(args); has {
			form := ".other"
			if n == 1 || (lang == "fr" && n == 0) {
				form = ".one"
			}
			msg, ok = m[key+form]
		}
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

func nArg(args []any) (int, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "n" {
			switch v := args[i+1].(type) {
			case int:
				return v, true
			case int64:
				return int(v), true
			case string:
				n, err := strconv.Atoi(v)
				return n, err == nil
			}
		}
	}
	return 0, false
}

// Match returns the supported language that best fits an Accept-Language header, honouring its
// q-values, or "" when none fits.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := matcher.Match(tags...)
	if conf < language.High {
		return ""
	}
	return Languages[i]
}

var matcher = language.NewMatcher([]language.Tag{language.French, language.English})

// Supported reports whether lang is an interface language.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Date writes t's calendar day as dd/mm/yyyy in loc, the format of French offices, in both
// languages (the company's format, not the reader's).
func Date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("02/01/2006")
}

// DateTime writes t as dd/mm/yyyy HH:MM in loc.
func DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("02/01/2006 15:04")
}

// Number writes n with French digit grouping ("2 000") in French, "2,000" in English.
func Number(lang string, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "\u202f" // narrow no-break space, the French thousands separator
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
