package notify

import (
	"sort"

	"majordome/internal/i18n"
)

// Text writes n in lang from the catalogue: its title ("notify.KIND.title") and its body
// ("notify.KIND.body", "" when the kind has none), with the notification's parameters in their
// {placeholders}. An urgent notification uses "notify.KIND.urgent.title" when there is one; a
// focus batch made only of new requests says so ("7 nouvelles demandes…").
func Text(cat *i18n.Catalog, lang string, n Notification) (title, body string) {
	base := "notify." + n.Kind
	if n.Kind == KindFocusBatch && n.Params["requests"] != "" && n.Params["requests"] == n.Params["n"] {
		base += ".requests"
	}
	args := paramArgs(n.Params)
	titleKey := base + ".title"
	if n.Urgent && has(cat, base+".urgent.title") {
		titleKey = base + ".urgent.title"
	}
	title = cat.T(lang, titleKey, args...)
	if has(cat, base+".body") {
		body = cat.T(lang, base+".body", args...)
	}
	return title, body
}

// Text is the package's Text with the service's catalogue.
func (s *Service) Text(lang string, n Notification) (title, body string) { return Text(s.cat, lang, n) }

// has reports whether key, or its plural forms, is in the catalogue.
func has(cat *i18n.Catalog, key string) bool {
	return cat.Has(key) || cat.Has(key+".one")
}

// paramArgs turns params into the name, value pairs of Catalog.T, in a stable order.
func paramArgs(p map[string]string) []any {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, p[k])
	}
	return args
}
