package cli

import (
	"encoding/json"
	"testing"
)

func TestSlackManifest(t *testing.T) {
	type manifest struct {
		Features struct {
			Commands []struct {
				Command string `json:"command"`
				URL     string `json:"url"`
			} `json:"slash_commands"`
		} `json:"features"`
		Settings struct {
			Events struct {
				URL string `json:"request_url"`
			} `json:"event_subscriptions"`
			Socket bool `json:"socket_mode_enabled"`
		} `json:"settings"`
	}
	sh := newShell(t).with("MAJORDOME_BASE_URL", "https://majordome.exemple.fr/", "MAJORDOME_SLACK_COMMAND", "/demande")
	var m manifest
	r := sh.mustRun("slack", "manifest")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if m.Settings.Events.URL != "https://majordome.exemple.fr/slack/events" || m.Settings.Socket ||
		len(m.Features.Commands) != 1 || m.Features.Commands[0].Command != "/demande" ||
		m.Features.Commands[0].URL != "https://majordome.exemple.fr/slack/commands" {
		t.Errorf("manifest %+v", m)
	}

	// With an app token, Socket Mode by default.
	m = manifest{}
	r = sh.with("MAJORDOME_SLACK_APP_TOKEN", "xapp-1-test").mustRun("slack", "manifest")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	if !m.Settings.Socket || m.Settings.Events.URL != "" {
		t.Errorf("socket mode manifest %+v", m)
	}
	if r := sh.run("slack", "manifest", "extra"); r.code != 2 {
		t.Errorf("a stray argument: exit %d, want 2", r.code)
	}
}
