package httpx

import (
	"bytes"
	"mime"
	"net/http"
	"time"
)

// Download is a stored file to send to a browser or an API client.
type Download struct {
	Name        string // the file name proposed to save it under
	ContentType string // as stored: sniffed at upload, never as claimed by the sender
	SHA256      string // hex, the ETag
	ModTime     time.Time
	Data        []byte
	Inline      bool // shown in the browser (images only), instead of saved
}

// downloadCSP is the policy of a served file: nothing in it may run, load anything but itself,
// or reach the page that linked it, even if a browser were fooled about its type.
const downloadCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"

// ServeDownload sends d with the headers that keep a file people uploaded harmless: its stored
// type with nosniff, Content-Disposition attachment (inline only when d.Inline, for images), a
// sandboxing CSP, and a private cache. Range and If-None-Match requests are answered by
// http.ServeContent.
func ServeDownload(w http.ResponseWriter, r *http.Request, d Download) {
	h := w.Header()
	disposition := "attachment"
	if d.Inline {
		disposition = "inline"
	}
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": d.Name})
	if cd == "" { // a name FormatMediaType cannot write
		cd = disposition
	}
	h.Set("Content-Disposition", cd)
	h.Set("Content-Type", d.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", downloadCSP)
	h.Set("Cache-Control", "private, max-age=3600")
	if d.SHA256 != "" {
		h.Set("ETag", `"`+d.SHA256+`"`)
	}
	http.ServeContent(w, r, "", d.ModTime, bytes.NewReader(d.Data))
}
