package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/importfile"
	"majordome/internal/request"
)

// Cookie names. The session cookie holds a random secret whose hash is the session's key.
const (
	sessionCookie = "majordome_session"
	preCSRFCookie = "majordome_csrf" // double-submit token for forms shown before sign-in
	langCookie    = "majordome_lang" // language chosen before sign-in
	flashCookie   = "majordome_flash"
)

var errBadCSRF = errors.New("web: missing or wrong CSRF token")

// errTooLarge is returned for a request body over the limits below.
var errTooLarge = errors.New("web: request body too large")

// tooLargeError is errTooLarge with the limit that was passed and what kind of body it bounds
// ("form", "import" or "upload"), for the error page to name it.
type tooLargeError struct {
	limit int64
	kind  string
}

func (e tooLargeError) Error() string {
	return fmt.Sprintf("%v (limit %d bytes)", errTooLarge, e.limit)
}
func (e tooLargeError) Unwrap() error { return errTooLarge }

// Body limits of state-changing requests.
const (
	maxFormBody = 1 << 20
	// An import file (10 MiB at most) and the form around it.
	maxImportBody = importfile.MaxFileSize + 1<<20
	// A message's attachments (5 files of 10 MiB at most) and the form around them. Multipart
	// parsing keeps 32 MiB in memory and spills the rest to disk.
	maxUploadBody = request.MaxAttachmentsPerMessage*request.MaxAttachmentSize + 1<<20
)

// bodyLimit is how large a state-changing request to r's path may be, and what it bounds.
func bodyLimit(r *http.Request) (int64, string) {
	switch {
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/"):
		return maxFormBody, "form"
	case strings.HasPrefix(r.URL.Path, "/people/import"):
		return maxImportBody, "import"
	default:
		return maxUploadBody, "upload"
	}
}

// withSession identifies the caller from the session cookie and enforces CSRF protection on
// every state-changing request: the browser's own cross-origin signals (Sec-Fetch-Site, Origin)
// first, then a token bound to the session (or, before sign-in, to a cookie).
func (s *Server) withSession(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := s.Auth.Session(r.Context(), c.Value)
			switch {
			case err == nil:
				id := httpx.Identity{Kind: "user", UserID: sess.User.ID, Name: sess.User.Name, Email: sess.User.Email,
					Role: sess.User.Role, Lang: sess.User.Language, Session: &sess}
				r = r.WithContext(httpx.WithIdentity(r.Context(), id, httpx.ClientIP(r)))
			case errors.Is(err, auth.ErrSessionNotFound):
				s.clearCookie(w, sessionCookie)
			default:
				s.handleError(w, r, err)
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			// Bound the body before the CSRF check parses the form: an import has room for the
			// largest import file, a message for its attachments, any other form for 1 MiB.
			limit, kind := bodyLimit(r)
			if r.ContentLength > limit {
				s.handleError(w, r, tooLargeError{limit, kind})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := cop.Check(r); err != nil || !s.validCSRF(r) {
				s.handleError(w, r, errBadCSRF)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// validCSRF checks the token sent with a form (field csrf_token) or by htmx (X-CSRF-Token).
func (s *Server) validCSRF(r *http.Request) bool {
	sent := r.Header.Get("X-CSRF-Token")
	if sent == "" {
		sent = r.PostFormValue("csrf_token")
	}
	if id, ok := httpx.IdentityFrom(r.Context()); ok && id.Session != nil {
		return id.Session.ValidCSRF(sent)
	}
	c, err := r.Cookie(preCSRFCookie)
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(sent)) == 1
}

// csrfToken returns the token forms must carry: the session's, or a pre-session cookie's
// (set here when missing).
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if id, ok := httpx.IdentityFrom(r.Context()); ok && id.Session != nil {
		return id.Session.CSRFToken
	}
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(w, preCSRFCookie, tok, 0)
	return tok
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.Config.SecureCookies()}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookies()})
}

// startSession sets the session cookie after a sign-in.
func (s *Server) startSession(w http.ResponseWriter, token string, sess auth.Session) {
	s.setCookie(w, sessionCookie, token, time.Until(sess.ExpiresAt))
	s.clearCookie(w, preCSRFCookie)
}

// flash keeps a one-line message for the next page, after a redirect.
type flash struct {
	Kind    string // success, error, info
	Message string
}

func (s *Server) setFlash(w http.ResponseWriter, kind, message string) {
	s.setCookie(w, flashCookie, url.QueryEscape(kind+"|"+message), time.Minute)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	s.clearCookie(w, flashCookie)
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil
	}
	kind, msg, ok := strings.Cut(v, "|")
	if !ok || (kind != "success" && kind != "error" && kind != "info") {
		return nil
	}
	return &flash{Kind: kind, Message: msg}
}

// lang is the interface language: the account's, else the one chosen on the sign-in page, else
// the browser's, else French.
func (s *Server) lang(r *http.Request) string {
	if id, ok := httpx.IdentityFrom(r.Context()); ok && i18n.Supported(id.Lang) {
		return id.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	if l := i18n.Match(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return i18n.Default
}

func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	target := "/signin"
	if next != "/" {
		target += "?next=" + url.QueryEscape(next)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext keeps post-sign-in redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
