package i18n

import (
	"strconv"
	"strings"
)

// Size writes a file size for people: "1,2 Mo", "340 Ko", "12 octets" in French, "1.2 MB",
// "340 KB", "12 bytes" in English. Units are of 1024, as file managers count; one decimal
// below 10, none above ("12 Mo"), and none when it would be ",0" ("10 Mo").
func Size(lang string, n int64) string {
	units, byteWord, byteWords, comma := []string{"Ko", "Mo", "Go"}, "octet", "octets", ","
	if lang == "en" {
		units, byteWord, byteWords, comma = []string{"KB", "MB", "GB"}, "byte", "bytes", "."
	}
	if n < 1024 {
		if n == 1 || (n == 0 && lang != "en") {
			return strconv.FormatInt(n, 10) + " " + byteWord
		}
		return strconv.FormatInt(n, 10) + " " + byteWords
	}
	v, unit := float64(n)/1024, units[0]
	for i := 1; i < len(units) && v >= 1024; i++ {
		v, unit = v/1024, units[i]
	}
	prec := 1
	if v >= 10 {
		prec = 0
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", comma, 1) + "\u00a0" + unit
}
