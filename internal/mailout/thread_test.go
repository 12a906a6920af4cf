package mailout

import "testing"

func TestThreadingRoundTrips(t *testing.T) {
	const domain = "exemple.fr"
	for _, id := range []string{RootMessageID(1042, domain), MessageID(1042, "m57", domain), "request-1042.x@EXEMPLE.FR"} {
		if n, ok := RequestFromMessageID(id, domain); !ok || n != 1042 {
			t.Errorf("RequestFromMessageID(%q) = %d, %v", id, n, ok)
		}
	}
	for _, id := range []string{"<request-1042@autre.fr>", "<CAF=abc@mail.gmail.com>", "<request-0@exemple.fr>", ""} {
		if n, ok := RequestFromMessageID(id, domain); ok {
			t.Errorf("RequestFromMessageID(%q) = %d, want none", id, n)
		}
	}
	addr := ReplyAddress("office@exemple.fr", 1042)
	if addr != "office+1042@exemple.fr" {
		t.Fatalf("ReplyAddress = %q", addr)
	}
	if n, ok := RequestFromAddress("Office+1042@Exemple.fr", "office@exemple.fr"); !ok || n != 1042 {
		t.Errorf("RequestFromAddress = %d, %v", n, ok)
	}
	for _, a := range []string{"office@exemple.fr", "office+abc@exemple.fr", "other+12@exemple.fr", "office+12@autre.fr"} {
		if n, ok := RequestFromAddress(a, "office@exemple.fr"); ok {
			t.Errorf("RequestFromAddress(%q) = %d, want none", a, n)
		}
	}
	if n, ok := RequestFromSubject("RE: Fuite d'eau " + SubjectTag(1042)); !ok || n != 1042 {
		t.Errorf("RequestFromSubject = %d, %v", n, ok)
	}
	if _, ok := RequestFromSubject("RE: Fuite d'eau #1042"); ok {
		t.Error("a bare #1042 is not a tag")
	}
}
