package slackbot

import (
	"errors"
	"testing"
	"time"
)

func TestVerifySignatureAndTimestamp(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	body := fixture(t, "slash-command.txt")
	tests := []struct {
		name    string
		secret  string
		signed  []byte
		at      time.Time
		mangle  func(h map[string][]string)
		wantErr error
	}{
		{"good", testSecret, body, now, nil, nil},
		{"four minutes old", testSecret, body, now.Add(-4 * time.Minute), nil, nil},
		{"other secret", "another-secret", body, now, nil, errBadSignature},
		{"body changed", testSecret, append([]byte("x"), body...), now, nil, errBadSignature},
		{"six minutes old", testSecret, body, now.Add(-6 * time.Minute), nil, errStale},
		{"six minutes ahead", testSecret, body, now.Add(6 * time.Minute), nil, errStale},
		{"no timestamp", testSecret, body, now, func(h map[string][]string) { delete(h, "X-Slack-Request-Timestamp") }, errStale},
		{"no v0 prefix", testSecret, body, now, func(h map[string][]string) {
			h["X-Slack-Signature"] = []string{h["X-Slack-Signature"][0][3:]}
		}, errBadSignature},
		{"not hex", testSecret, body, now, func(h map[string][]string) { h["X-Slack-Signature"] = []string{"v0=zz"} }, errBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Sign(tt.secret, tt.signed, tt.at)
			if tt.mangle != nil {
				tt.mangle(h)
			}
			if err := verify(testSecret, h, body, now); !errors.Is(err, tt.wantErr) {
				t.Errorf("verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if err := verify("", Sign("", body, now), body, now); !errors.Is(err, errNoSecret) {
		t.Errorf("without a secret: %v, want errNoSecret", err)
	}
}
