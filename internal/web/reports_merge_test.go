package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"majordome/internal/request"
)

// TestReportsMerged adds to November Hélène's request about Zoé's leak, answered three minutes
// later and merged into Zoé's two minutes after that: the report counts it received and apart
// (Fusionnées), and leaves it out of the resolved, the times and the SLA, which its minutes
// would flatter.
func TestReportsMerged(t *testing.T) {
	d := novemberDesk(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC) // Wednesday, week 46
	d.e.App.Requests.SetClock(func() time.Time { return now })
	dup := d.file("Il pleut dans la cuisine", "helene.bernard@exemple.fr", "Locaux & maintenance", request.Normal, request.Web)
	leak, err := d.e.App.Requests.Get(ctx, d.camilleV, dup.Number-1) // November's last request
	if err != nil || leak.Title != "Fuite cuisine" {
		t.Fatalf("the leak is not #%d: %v", dup.Number-1, err)
	}
	now = now.Add(3 * time.Minute)
	if _, err := d.e.App.Requests.Reply(ctx, d.camilleV, dup.Number, "On regarde.", false, request.Web); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := d.e.App.Requests.Merge(ctx, d.camilleV, dup.Number, leak.Number); err != nil {
		t.Fatal(err)
	}

	res := d.jerome.get("/reports?period=last_month")
	noRawKeys(t, res)
	page := text(res)
	card := func(label, value string) {
		t.Helper()
		re := regexp.MustCompile(`<span class="stat-label">` + regexp.QuoteMeta(label) + `</span>\s*<span class="stat-value">` + regexp.QuoteMeta(value) + `</span>`)
		if !re.MatchString(page) {
			t.Errorf("the card %q does not say %q", label, value)
		}
	}
	card("Reçues", "4")
	card("Fusionnées", "1")
	card("Résolues", "2")                        // the team's: Wi-Fi and the payslip
	card("Première réponse (médiane)", "30 min") // 30, 10 and 50 minutes; its 3 minutes would make it 20
	card("Résolution (médiane)", "1 h 45")       // 2 h 30 and 1 h; its 5 minutes would make it 1 h
	card("Dans les délais", "83\u202f%")         // 3 of 3 first responses, 2 of 3 resolutions
	for _, want := range []string{"25\u202f% des demandes reçues, en double", "<th scope=\"col\" class=\"num\">Fusionnées</th>",
		"« Fusionnées » compte les demandes reçues"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(page, "<th scope=\"col\" class=\"num\">Par la bible</th>") {
		t.Error("the bible's column shows in a period it solved nothing")
	}
	// Locaux & maintenance: two received, one merged (50 %).
	if !regexp.MustCompile(`<td>Locaux &amp; maintenance</td>\s*<td class="num">2</td>\s*<td class="num nowrap">1 <span class="muted small">\(50\x{202f}%\)</span></td>`).MatchString(res.Body) {
		t.Error("the categories table does not say Locaux & maintenance: 2, of which 1 merged (50\u202f%)")
	}
	// Week 46: the leak and its duplicate received, the duplicate merged, nothing resolved.
	if !regexp.MustCompile(`Semaine 46 · 09/11 – 15/11</th>\s*<td class="num">2</td>\s*<td class="num">1</td>\s*<td class="num">0</td>`).MatchString(page) {
		t.Error("the weekly table does not say week 46: 2 received, 1 merged, 0 resolved")
	}

	// The exports carry the same count, in a last column and in the summary.
	res = d.jerome.get("/reports/export.csv?period=last_month")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, row[0]+" "+row[2]+" "+row[3]+" "+row[4]+" "+row[5]+" "+row[9]+" "+row[10])
	}
	if want := "Semaine Catégorie Reçues Résolues Médiane 1re réponse (min) Réglées par la bible Fusionnées|" +
		"2026-S45 IT & Wi-Fi 1 1 30 0 0|2026-S45 RH & paie 1 1 10 0 0|2026-S46 Locaux & maintenance 2 0 50 0 1"; strings.Join(got, "|") != want {
		t.Errorf("csv\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	res = d.camille.get("/reports/export.xlsx?period=last_month")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, _ := f.GetRows("Résumé")
	measures := map[string][]string{}
	var header []string
	for _, r := range sum {
		if len(r) > 1 {
			measures[r[0]] = r[1:]
		}
		if len(r) > 0 && r[0] == "Semaine" {
			header = r
		}
	}
	if got := measures["Dont fusionnées"]; len(got) != 2 || got[0] != "1" || got[1] != "0" {
		t.Errorf("xlsx merged %v", got)
	}
	if got := measures["Part fusionnée"]; len(got) < 1 || got[0] != "25%" {
		t.Errorf("xlsx share %v", got)
	}
	if len(header) != 10 || header[9] != "Fusionnées" {
		t.Errorf("xlsx weekly header %q", header)
	}
	if v, _ := f.GetCellValue("Par semaine et catégorie", "K4"); v != "1" {
		t.Errorf("xlsx weekly K4 = %q, want 1 (week 46, Locaux & maintenance)", v)
	}

	// In English too.
	d.jerome.post("/me/language", url.Values{"language": {"en"}, "next": {"/reports"}})
	res = d.jerome.get("/reports?period=last_month")
	noRawKeys(t, res)
	if !regexp.MustCompile(`<span class="stat-label">Merged</span>\s*<span class="stat-value">1</span>`).MatchString(text(res)) {
		t.Error("the English report has no Merged card")
	}
}
