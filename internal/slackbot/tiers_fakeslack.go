//go:build fakeslack

package slackbot

import "time"

// Built with the fakeslack tag (only internal/e2e does, for a binary that talks to slackfake),
// the calls of each method are spaced 1 ms rather than by Slack's tiers: a fake has no tiers,
// and at 1.2 s a DM (users.lookupByEmail, conversations.open) an end-to-end test of a
// 1 000-recipient announcement would take 20 minutes. Everything else (the buckets, their
// rows, Retry-After, the announcements' own pace) works as in the real binary.
func init() {
	for method := range rateIntervals {
		rateIntervals[method] = time.Millisecond
	}
}
