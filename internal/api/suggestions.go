package api

import (
	"net/http"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/valid"
)

// maxSuggestions is how many articles a suggestion answers with.
const maxSuggestions = 5

// suggestionsJSON is the answer of POST /api/v1/suggestions.
type suggestionsJSON struct {
	Items []articleJSON `json:"items"`
}

// suggestionCreate answers POST /api/v1/suggestions {"text": "…"}: the published articles
// that best answer the text, for the token's role, best first: the same suggestions as the
// portal's while an employee types.
func (s *server) suggestionCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, []string{"text"}, "application/json")
	if err != nil {
		return err
	}
	f := fields{obj: obj}
	text := f.str("text")
	if err := f.err(); err != nil {
		return err
	}
	if text == nil || strings.TrimSpace(*text) == "" {
		return valid.Errors{{Field: "text", Code: "required"}}
	}
	list, err := s.Articles.Suggest(r.Context(), bibleViewer(r), *text, maxSuggestions)
	if err != nil {
		return err
	}
	out := suggestionsJSON{Items: []articleJSON{}}
	for _, a := range list {
		out.Items = append(out.Items, articleOut(a))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
