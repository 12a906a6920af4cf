package i18n

import (
	"majordome/internal/valid"
)

// FieldError turns a validation failure into a sentence in lang, naming the field.
func (c *Catalog) FieldError(lang string, fe valid.FieldError) string {
	args := []any{"field", c.T(lang, "field."+fe.Field)}
	for k, v := range fe.Params {
		args = append(args, k, v)
	}
	key := "error." + fe.Code
	if !c.Has(key) {
		key = "error.invalid"
	}
	return c.T(lang, key, args...)
}
