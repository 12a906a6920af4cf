// Package fold turns text into comparison keys that ignore case and accents, the way a French
// speaker expects "Hélène", "helene" and "HELENE" to be the same name.
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ligatures are the letters that fold to two: "cœur" is searched as "coeur".
var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss")

// Key returns s lower-cased, without diacritics, with runs of white space collapsed to one
// space and trimmed. "  Zoé   THOMAS " → "zoe thomas".
func Key(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = ligatures.Replace(out)
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}
