package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets under fingerprinted URLs (/static/app.3f2a1c9e.css), so
// browsers may cache them for a year and still get a new file the moment it changes.
type staticFiles struct {
	byURL  map[string]string // "/static/app.3f2a1c9e.css" → "static/app.css"
	byName map[string]string // "app.css" → "/static/app.3f2a1c9e.css"
}

func loadStatic() (*staticFiles, error) {
	s := &staticFiles{byURL: map[string]string{}, byName: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		s.byURL[url] = p
		s.byName[name] = url
		return nil
	})
	return s, err
}

// URL returns the fingerprinted URL of an asset; an unknown name is a template bug and panics at
// start-up, when the templates are executed by the tests.
func (s *staticFiles) URL(name string) string {
	u, ok := s.byName[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return u
}

func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) error {
	p, ok := s.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	b, err := staticFS.ReadFile(p)
	if err != nil {
		return err
	}
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
	return nil
}
