package request

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"majordome/internal/fold"
)

// Reply templates (articles of the bible, package article) carry placeholders that Expand fills
// for a request: {{prenom}}, {{nom}}, {{numero}}, {{titre}}, {{agent}}. The desk knows the
// values; the web layer joins the two, so that the desk does not depend on the bible. (The
// desk's former macros table is kept for the migration that turned its rows into reply
// templates.)

// Placeholders lists the placeholders Expand knows, as written in a reply template.
var Placeholders = []string{"prenom", "nom", "numero", "titre", "agent"}

// placeholder finds "{{prenom}}", "{{ Prénom }}"…
var placeholder = regexp.MustCompile(`\{\{\s*([^{}\s][^{}]*?)\s*\}\}`)

// Expansion is a reply template's text filled for one request, with the placeholders it did not know,
// left as written ("{{badge}}"), for the agent to fill by hand.
type Expansion struct {
	Text    string
	Unknown []string
}

// Expand fills the placeholders of body for request r answered by agent: {{prenom}} and {{nom}}
// the requester's first and last names, {{numero}} its reference (#1042), {{titre}} its title,
// {{agent}} the agent's name. Case, accents and spaces inside the braces do not matter
// ("{{ Prénom }}"). An unknown placeholder stays as written and is listed in Unknown.
func (k *Desk) Expand(ctx context.Context, body string, r Request, agent Viewer) (Expansion, error) {
	var first, last string
	err := k.db.R.QueryRowContext(ctx, k.q.Get("macro-requester"), r.RequesterID).Scan(&first, &last)
	if err != nil && !isNoRows(err) {
		return Expansion{}, fmt.Errorf("request: expand for #%d: %w", r.Number, err)
	}
	return expand(body, map[string]string{"prenom": first, "nom": last, "numero": r.Ref(), "titre": r.Title,
		"agent": agent.Name}), nil
}

// expand replaces the placeholders of body found in values (keyed by folded name).
func expand(body string, values map[string]string) Expansion {
	var e Expansion
	e.Text = placeholder.ReplaceAllStringFunc(body, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := values[fold.Key(name)]; ok {
			return v
		}
		if !slices.Contains(e.Unknown, m) {
			e.Unknown = append(e.Unknown, m)
		}
		return m
	})
	return e
}
