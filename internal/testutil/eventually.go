package testutil

import (
	"testing"
	"time"
)

// Eventually waits until cond holds, polling every few milliseconds, and fails the test naming
// what never happened after 30 seconds: generous, for a loaded two-core CI machine under -race;
// a test that passes waits only as long as the work takes.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
