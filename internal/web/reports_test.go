package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// novemberDesk is a desk with three requests in November 2026, one of them confidential, read
// on 2 December.
func novemberDesk(t *testing.T) *desk {
	t.Helper()
	d := newDesk(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // Monday, week 45
	d.e.App.Requests.SetClock(func() time.Time { return now })
	d.e.App.Reports.SetClock(func() time.Time { return time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) })
	requester := func(email string) request.Viewer {
		v, err := d.e.App.Requests.ViewerFor(ctx, 0, email, email, auth.Employee)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	work := func(r request.Request, answer, resolve time.Duration, rating int, comment string) {
		t.Helper()
		start := now
		now = start.Add(answer)
		if _, err := d.e.App.Requests.Reply(ctx, d.camilleV, r.Number, "C'est noté.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if resolve == 0 {
			return
		}
		now = start.Add(resolve)
		d.set(r.Number, request.Change{Status: status(request.StatusResolved)})
		if rating != 0 {
			if err := d.e.App.Requests.Rate(ctx, requester(r.RequesterEmail), r.Number, rating, comment); err != nil {
				t.Fatal(err)
			}
		}
	}
	wifi := d.file("Wi-Fi coupé", "zoe.thomas@exemple.fr", "IT & Wi-Fi", request.Normal, request.Web)
	work(wifi, 30*time.Minute, 150*time.Minute, 1, "Merci beaucoup")
	now = time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	pay := d.file("Erreur sur ma fiche de paie", "helene.bernard@exemple.fr", "RH & paie", request.Normal, request.Email)
	if !pay.Confidential {
		t.Fatal("a payslip request must be confidential")
	}
	work(pay, 10*time.Minute, time.Hour, -1, "Commentaire très personnel")
	now = time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC) // week 46
	leak := d.file("Fuite cuisine", "zoe.thomas@exemple.fr", "Locaux & maintenance", request.Urgent, request.Web)
	work(leak, 50*time.Minute, 0, 0, "")
	return d
}

func TestReportsPage(t *testing.T) {
	d := novemberDesk(t)
	res := d.jerome.get("/reports?period=last_month")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reports answered %d", res.StatusCode)
	}
	page := text(res)
	noRawKeys(t, res)
	for _, want := range []string{"novembre 2026", "octobre 2026", "Reçues", "30 min", "2 h 30", `href="/reports"`,
		"Wi-Fi coupé", "Merci beaucoup", "Semaine 45 · 02/11 – 08/11", "vendor/chart", "reports."} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The payslip is counted (3 received) but never named, nor its comment quoted.
	for _, secret := range []string{"fiche de paie", "Commentaire très personnel"} {
		if strings.Contains(page, secret) {
			t.Errorf("a confidential request leaked into the report: %q", secret)
		}
	}
	if !regexp.MustCompile(`<span class="stat-label">Reçues</span>\s*<span class="stat-value">3</span>`).MatchString(res.Body) {
		t.Error("the received card does not say 3")
	}
	// The charts' data: every week of November, the three requests stacked by category.
	m := regexp.MustCompile(`(?s)<script type="application/json" id="report-data">(.*?)</script>`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no chart data on the page")
	}
	var chart struct {
		Weeks  []string `json:"weeks"`
		Volume []struct {
			Label string
			Data  []int
		} `json:"volume"`
		FirstResponse []*float64 `json:"firstResponse"`
	}
	if err := json.Unmarshal([]byte(m[1]), &chart); err != nil {
		t.Fatalf("chart data is not JSON: %v\n%s", err, m[1])
	}
	if strings.Join(chart.Weeks, ",") != "S44,S45,S46,S47,S48,S49" {
		t.Errorf("weeks %v", chart.Weeks)
	}
	total := 0
	for _, s := range chart.Volume {
		for _, n := range s.Data {
			total += n
		}
	}
	if total != 3 || len(chart.Volume) != 3 || chart.FirstResponse[1] == nil || *chart.FirstResponse[1] != 20 || chart.FirstResponse[0] != nil {
		t.Errorf("chart volume %+v (total %d), first response %v", chart.Volume, total, chart.FirstResponse)
	}
	// The default period is this month, so far.
	if res := d.camille.get("/reports"); res.StatusCode != http.StatusOK || !strings.Contains(text(res), "du 01/12/2026 au 02/12/2026") {
		t.Errorf("this month: %d", res.StatusCode)
	}
	// A category without requests: the page says so, and how to see everything again.
	res = d.camille.get("/reports?period=last_month&category=" + strconv.FormatInt(d.categoryIDs["Événements"], 10))
	if page := text(res); !strings.Contains(page, "Aucune demande sur cette période") || !strings.Contains(page, "Retirer les filtres") ||
		!strings.Contains(res.Body, `href="/reports?period=last_month"`) {
		t.Errorf("an empty category: %d", res.StatusCode)
	}
	// In English too, with English week labels and the same figures.
	d.noel.post("/me/language", url.Values{"language": {"en"}, "next": {"/reports"}})
	res = d.noel.get("/reports?period=last_month")
	noRawKeys(t, res)
	if page := text(res); !strings.Contains(page, "November 2026") || !strings.Contains(page, "Week 45 · 02/11 – 08/11") ||
		!strings.Contains(page, "Received") {
		t.Error("the English report is not in English")
	}
	if res := d.zoe.get("/reports"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee reached the reports: %d", res.StatusCode)
	}
	if strings.Contains(d.zoe.get("/portal").Body, `href="/reports"`) {
		t.Error("the sidebar offers the reports to an employee")
	}
}

func TestReportsPeriodPicker(t *testing.T) {
	d := novemberDesk(t)
	// Two dates that make a named period are that period.
	res := d.jerome.get("/reports?period=custom&from=01/11/2026&to=30/11/2026")
	if res.StatusCode != http.StatusOK || !regexp.MustCompile(`<a href="[^"]*period=last_month[^"]*" aria-current="true">`).MatchString(res.Body) {
		t.Errorf("custom November: %d, last month not current", res.StatusCode)
	}
	res = d.jerome.get("/reports?period=custom&from=03/11/2026&to=09/11/2026&category=" + strconv.FormatInt(d.categoryIDs["IT & Wi-Fi"], 10))
	if page := text(res); res.StatusCode != http.StatusOK || !strings.Contains(page, "du 03/11/2026 au 09/11/2026 · IT & Wi-Fi") ||
		!strings.Contains(res.Body, "/reports/export.csv?category=") {
		t.Errorf("custom week of IT: %d", res.StatusCode)
	}
	for query, want := range map[string]string{
		"from=31/02/2026&to=01/03/2026": "« 31/02/2026 » n'est pas une date valide",
		"from=30/11/2026&to=01/11/2026": "La date de fin est avant la date de début",
		"from=01/01/2020&to=01/01/2026": "ne peut pas dépasser 731 jours",
		"period=custom&from=01/11/2026": "Indiquez une date",
	} {
		res := d.jerome.get("/reports?" + query)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), want) {
			t.Errorf("%s: %d, want a field error %q", query, res.StatusCode, want)
		}
		if from := regexp.MustCompile(`from=([^&]*)`).FindStringSubmatch(query); !strings.Contains(res.Body, `name="from" type="text" value="`+from[1]+`"`) {
			t.Errorf("%s: the picker lost what was typed", query)
		}
	}
	// An export of a period that cannot be read goes back to the page that says why.
	if res := d.jerome.get("/reports/export.csv?from=31/02/2026&to=01/03/2026"); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/reports?") {
		t.Errorf("bad export: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestReportsCSV(t *testing.T) {
	d := novemberDesk(t)
	res := d.jerome.get("/reports/export.csv?period=last_month")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		res.Header.Get("Content-Disposition") != `attachment; filename=majordome-rapport-2026-11.csv` {
		t.Fatalf("csv: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	body, ok := strings.CutPrefix(res.Body, "\uFEFF")
	if !ok {
		t.Error("no byte order mark: Excel would misread the accents")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Semaine", "Début", "Catégorie", "Reçues", "Résolues", "Médiane 1re réponse (min)", "Médiane résolution (h)", "Délais 1re réponse tenus (%)", "Délais résolution tenus (%)", "Réglées par la bible", "Fusionnées"},
		{"2026-S45", "02/11/2026", "IT & Wi-Fi", "1", "1", "30", "2,5"},
		{"2026-S45", "02/11/2026", "RH & paie", "1", "1", "10", "1"},
		{"2026-S46", "09/11/2026", "Locaux & maintenance", "1", "0", "50", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("csv rows %q", rows)
	}
	for i, w := range want {
		if len(rows[i]) != 11 {
			t.Errorf("row %d has %d columns", i, len(rows[i]))
			continue
		}
		if i > 0 && (rows[i][9] != "0" || rows[i][10] != "0") {
			t.Errorf("row %d: %q solved by the bible, %q merged, want 0 and 0", i, rows[i][9], rows[i][10])
		}
		for j, cell := range w {
			if rows[i][j] != cell {
				t.Errorf("row %d column %d: %q, want %q", i, j, rows[i][j], cell)
			}
		}
	}
	if strings.Contains(body, "fiche de paie") || strings.Contains(body, "Commentaire") {
		t.Error("a confidential request is named in the export")
	}
}

func TestReportsXLSX(t *testing.T) {
	d := novemberDesk(t)
	res := d.camille.get("/reports/export.xlsx?period=last_month")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Disposition") != `attachment; filename=majordome-rapport-2026-11.xlsx` {
		t.Fatalf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Résumé,Par semaine et catégorie" {
		t.Fatalf("sheets %s", got)
	}
	// The summary: a line per measure, the period against October.
	rows, err := f.GetRows("Résumé")
	if err != nil {
		t.Fatal(err)
	}
	measures := map[string][]string{}
	for _, r := range rows {
		if len(r) > 1 {
			measures[r[0]] = r[1:]
		}
	}
	if got := measures["Demandes reçues"]; len(got) != 2 || got[0] != "3" || got[1] != "0" {
		t.Errorf("received %v", got)
	}
	if got := measures["Médiane 1re réponse (min)"]; len(got) < 1 || got[0] != "30" {
		t.Errorf("first response %v", got)
	}
	if got := measures["Satisfaction (part de 👍)"]; len(got) < 1 || got[0] != "50%" {
		t.Errorf("satisfaction %v", got)
	}
	// The weekly sheet: numbers stored as numbers, headers in bold.
	const sheet = "Par semaine et catégorie"
	if v, _ := f.GetCellValue(sheet, "A1"); v != "Semaine" {
		t.Errorf("A1 = %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "G2"); v != "2.5" && v != "2.50" && v != "2,5" {
		t.Errorf("G2 = %q", v)
	}
	for _, ref := range []string{"D2", "F2", "G2"} {
		if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is stored as %v, not a number", ref, typ)
		}
	}
	raw, _ := f.GetCellValue(sheet, "F2", excelize.Options{RawCellValue: true})
	if raw != "30" {
		t.Errorf("F2 raw %q", raw)
	}
	start, _ := f.GetCellValue(sheet, "B2")
	if start != "02/11/2026" {
		t.Errorf("B2 %q (a date shown dd/mm/yyyy)", start)
	}
	id, _ := f.GetCellStyle(sheet, "A1")
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v %v", st, err)
	}
	rows, _ = f.GetRows(sheet)
	for _, r := range rows {
		if strings.Contains(strings.Join(r, " "), "fiche de paie") {
			t.Error("a confidential request is named in the workbook")
		}
	}
	if res := d.zoe.get("/reports/export.xlsx?period=last_month"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an employee exported the report: %d", res.StatusCode)
	}
}
