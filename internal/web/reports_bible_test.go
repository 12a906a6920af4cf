package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/request"
)

// TestReportsSolvedByBible adds to November a request Zoé withdrew four minutes after filing it,
// because the guide "Wi-Fi invités" answered her (as Slack's button does): the report counts it
// received and apart, and leaves it out of the resolved, the times and the SLA.
func TestReportsSolvedByBible(t *testing.T) {
	d := novemberDesk(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC) // Thursday, week 46
	d.e.App.Requests.SetClock(func() time.Time { return now })
	guide := d.write(article.Article{Title: "Wi-Fi invités", Body: "Le code est affiché à l'accueil."})
	r := d.file("Code du Wi-Fi invités", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Slack)
	zoe, err := d.e.App.Requests.ViewerFor(ctx, 0, "Zoé Thomas", "zoe.thomas@exemple.fr", auth.Employee)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(4 * time.Minute)
	if _, err := d.e.App.Requests.Withdraw(ctx, zoe, r.Number, "Réglé grâce à « Wi-Fi invités »", request.Slack,
		func(tx *sql.Tx, rq request.Request) error {
			return d.e.App.Articles.DeflectTx(ctx, tx, articleViewer(zoe), guide, rq.Title, article.ChannelSlack, rq.ID)
		}); err != nil {
		t.Fatal(err)
	}

	res := d.jerome.get("/reports?period=last_month")
	noRawKeys(t, res)
	card := func(label, value string) {
		t.Helper()
		re := regexp.MustCompile(`<span class="stat-label">` + regexp.QuoteMeta(label) + `</span>\s*<span class="stat-value">` + regexp.QuoteMeta(value) + `</span>`)
		if !re.MatchString(text(res)) {
			t.Errorf("the card %q does not say %q", label, value)
		}
	}
	card("Reçues", "4")
	card("Réglées par la bible", "1")
	card("Résolues", "2")                        // the team's: Wi-Fi and the payslip
	card("Première réponse (médiane)", "30 min") // 30, 10 and 50 minutes
	card("Résolution (médiane)", "1 h 45")       // 2 h 30 and 1 h; her 4 minutes would make it 1 h
	card("Dans les délais", "83\u202f%")         // 3 of 3 first responses, 2 of 3 resolutions; her unanswered one would make it 75 %
	page := text(res)
	for _, want := range []string{"25\u202f% des demandes reçues", "<th scope=\"col\" class=\"num\">Par la bible</th>",
		"« Réglées par la bible » compte les demandes reçues"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// IT & Wi-Fi: two received, one by the bible (50 %).
	if !regexp.MustCompile(`<td>IT &amp; Wi-Fi</td>\s*<td class="num">2</td>\s*<td class="num nowrap">1 <span class="muted small">\(50\x{202f}%\)</span></td>`).MatchString(res.Body) {
		t.Error("the categories table does not say IT & Wi-Fi: 2, of which 1 by the bible (50\u202f%)")
	}
	// Week 46: the leak and Zoé's request received, hers by the bible.
	if !regexp.MustCompile(`Semaine 46 · 09/11 – 15/11</th>\s*<td class="num">2</td>\s*<td class="num">1</td>\s*<td class="num">0</td>`).MatchString(page) {
		t.Error("the weekly table does not say week 46: 2 received, 1 by the bible, 0 resolved")
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
		got = append(got, row[0]+" "+row[2]+" "+row[3]+" "+row[4]+" "+row[9])
	}
	if want := "Semaine Catégorie Reçues Résolues Réglées par la bible|2026-S45 IT & Wi-Fi 1 1 0|2026-S45 RH & paie 1 1 0|" +
		"2026-S46 IT & Wi-Fi 1 0 1|2026-S46 Locaux & maintenance 1 0 0"; strings.Join(got, "|") != want {
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
	for _, r := range sum {
		if len(r) > 1 {
			measures[r[0]] = r[1:]
		}
	}
	if got := measures["Dont réglées par la bible"]; len(got) != 2 || got[0] != "1" || got[1] != "0" {
		t.Errorf("xlsx solved by the bible %v", got)
	}
	if got := measures["Part réglée par la bible"]; len(got) < 1 || got[0] != "25%" {
		t.Errorf("xlsx share %v", got)
	}
	if v, _ := f.GetCellValue("Par semaine et catégorie", "J4"); v != "1" {
		t.Errorf("xlsx weekly J4 = %q, want 1 (week 46, IT & Wi-Fi)", v)
	}
}
