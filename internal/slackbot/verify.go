package slackbot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request verification: Slack signs every request it sends with the app's signing secret,
//
//	X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + X-Slack-Request-Timestamp + ":" + body))
//
// and a request whose timestamp is more than five minutes away from now is refused, so that a
// captured request cannot be replayed later.

// maxSkew is how far a request's timestamp may be from now.
const maxSkew = 5 * time.Minute

// Verification failures (answered 401).
var (
	errNoSecret     = errors.New("slackbot: no signing secret configured")
	errBadSignature = errors.New("slackbot: bad signature")
	errStale        = errors.New("slackbot: timestamp missing or more than 5 minutes away")
)

// verify checks the v0 signature of body and the freshness of its timestamp.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return errNoSecret
	}
	tsText := h.Get("X-Slack-Request-Timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errStale
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return errStale
	}
	sig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	if !ok {
		return errBadSignature
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return errBadSignature
	}
	if !hmac.Equal(got, signature(secret, tsText, body)) {
		return errBadSignature
	}
	return nil
}

// signature is the v0 HMAC of body sent at timestamp ts.
func signature(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	return m.Sum(nil)
}

// Sign returns the headers Slack would send with body at t, for tests and tools.
func Sign(secret string, body []byte, t time.Time) http.Header {
	ts := strconv.FormatInt(t.Unix(), 10)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(signature(secret, ts, body)))
	return h
}
