package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"majordome/internal/markdown"
)

//go:embed templates/layout.html templates/partials templates/pages
var templateFS embed.FS

// engine holds one parsed template set per page: the layout and partials, plus the page's file
// defining "title" and "content".
type engine struct {
	pages map[string]*template.Template
}

func newEngine(static *staticFiles) (*engine, error) {
	funcs := template.FuncMap{
		"asset": static.URL,
		"icon": func(name string) template.HTML {
			return template.HTML(fmt.Sprintf(`<svg aria-hidden="true" class="icon"><use href="%s#i-%s"/></svg>`,
				static.URL("icons.svg"), template.HTMLEscapeString(name)))
		},
		"avatarClass": func(id int64) string { return fmt.Sprintf("avatar-%d", id%6+1) },
		"add":         func(a, b int) int { return a + b },
		"initials":    initials,
		"markdown":    markdown.Render, // what people typed, as safe HTML
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	e := &engine{pages: map[string]*template.Template{}}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", f, err)
		}
		e.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return e, nil
}

// render executes the page into a buffer first, so a template error gives a clean error page
// instead of half a page.
func (e *engine) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := e.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	entry := "layout.html"
	if t.Lookup("standalone") != nil {
		entry = "standalone"
	}
	if err := t.ExecuteTemplate(&buf, entry, data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// initials is the two letters of an avatar: "Camille Martin" → "CM".
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}
