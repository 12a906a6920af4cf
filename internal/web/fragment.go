package web

import (
	"bytes"
	"fmt"
	"net/http"
)

// fragment executes only the template block of a page's set (a table, without the layout
// around it), for htmx requests that swap one part of a page in place.
func (e *engine) fragment(w http.ResponseWriter, page, block string, data any) error {
	t, ok := e.pages[page]
	if !ok {
		return fmt.Errorf("web: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", page, block, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

// wantsFragment reports whether r is an htmx request for a part of the page. A history
// restore (the person pressed Back and htmx's cache missed) needs the whole page.
func wantsFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}
