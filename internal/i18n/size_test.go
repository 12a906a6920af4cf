package i18n

import "testing"

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		fr, en string
	}{
		{0, "0 octet", "0 bytes"},
		{1, "1 octet", "1 byte"},
		{12, "12 octets", "12 bytes"},
		{1023, "1023 octets", "1023 bytes"},
		{1024, "1\u00a0Ko", "1\u00a0KB"},
		{348 * 1024, "348\u00a0Ko", "348\u00a0KB"},
		{1258291, "1,2\u00a0Mo", "1.2\u00a0MB"},
		{10 << 20, "10\u00a0Mo", "10\u00a0MB"},
		{3 << 30, "3\u00a0Go", "3\u00a0GB"},
	} {
		if got := Size("fr", tc.n); got != tc.fr {
			t.Errorf("Size(fr, %d) = %q, want %q", tc.n, got, tc.fr)
		}
		if got := Size("en", tc.n); got != tc.en {
			t.Errorf("Size(en, %d) = %q, want %q", tc.n, got, tc.en)
		}
	}
}
