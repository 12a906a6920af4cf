package pack

import (
	"majordome/internal/i18n"
)

// Describe says a problem in lang, where first: "onboarding.md:7: champ inconnu « ownr »".
func Describe(cat *i18n.Catalog, lang string, p Problem) string {
	var msg string
	if p.Field != nil {
		msg = cat.FieldError(lang, *p.Field)
	} else {
		args := make([]any, 0, 2*len(p.Params))
		for _, k := range sortedKeys(p.Params) {
			args = append(args, k, p.Params[k])
		}
		msg = cat.T(lang, "packs.problem."+p.Code, args...)
	}
	if w := p.Where(); w != "" {
		return w + ": " + msg
	}
	return msg
}

// Codes lists every problem code, for the test that each one has its words.
var Codes = []string{"not_regular", "too_many_files", "unsafe_path", "too_large", "unreadable", "bad_file_type",
	"too_large_total", "required", "stray_yaml", "duplicate_slug", "no_pack_yaml", "empty", "bad_filename",
	"no_front_matter", "bad_date", "bad_choice", "bad_owner", "yaml", "unknown_field", "duplicate_field", "bad_type",
	"broken_link", "broken_article", "broken_file", "file_too_large", "file_type", "file_empty",
	"file_not_carried"}
