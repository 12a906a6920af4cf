package calendar

import (
	"strings"
	"testing"

	"majordome/internal/civil"
)

func TestHolidays(t *testing.T) {
	tests := []struct {
		region Region
		year   int
		want   []string // "YYYY-MM-DD Name", written out from a printed calendar
	}{
		{France, 2026, []string{
			"2026-01-01 Jour de l'an",
			"2026-04-06 Lundi de Pâques", // Easter is 5 April
			"2026-05-01 Fête du Travail",
			"2026-05-08 Victoire 1945",
			"2026-05-14 Ascension",
			"2026-05-25 Lundi de Pentecôte",
			"2026-07-14 Fête nationale",
			"2026-08-15 Assomption",
			"2026-11-01 Toussaint",
			"2026-11-11 Armistice 1918",
			"2026-12-25 Noël",
		}},
		{AlsaceMoselle, 2026, []string{
			"2026-01-01 Jour de l'an",
			"2026-04-03 Vendredi saint",
			"2026-04-06 Lundi de Pâques",
			"2026-05-01 Fête du Travail",
			"2026-05-08 Victoire 1945",
			"2026-05-14 Ascension",
			"2026-05-25 Lundi de Pentecôte",
			"2026-07-14 Fête nationale",
			"2026-08-15 Assomption",
			"2026-11-01 Toussaint",
			"2026-11-11 Armistice 1918",
			"2026-12-25 Noël",
			"2026-12-26 Saint-Étienne",
		}},
		{France, 2027, []string{
			"2027-01-01 Jour de l'an",
			"2027-03-29 Lundi de Pâques", // Easter is 28 March
			"2027-05-01 Fête du Travail",
			"2027-05-06 Ascension", // before 8 May this year: the list is in date order
			"2027-05-08 Victoire 1945",
			"2027-05-17 Lundi de Pentecôte",
			"2027-07-14 Fête nationale",
			"2027-08-15 Assomption",
			"2027-11-01 Toussaint",
			"2027-11-11 Armistice 1918",
			"2027-12-25 Noël",
		}},
		{AlsaceMoselle, 2027, []string{
			"2027-01-01 Jour de l'an",
			"2027-03-26 Vendredi saint",
			"2027-03-29 Lundi de Pâques",
			"2027-05-01 Fête du Travail",
			"2027-05-06 Ascension",
			"2027-05-08 Victoire 1945",
			"2027-05-17 Lundi de Pentecôte",
			"2027-07-14 Fête nationale",
			"2027-08-15 Assomption",
			"2027-11-01 Toussaint",
			"2027-11-11 Armistice 1918",
			"2027-12-25 Noël",
			"2027-12-26 Saint-Étienne",
		}},
		{"", 2026, nil},
		{"FR-CORSE", 2026, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range Holidays(tt.region, tt.year) {
			got = append(got, h.Date.String()+" "+h.Name)
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("Holidays(%q, %d) =\n%s\nwant\n%s", tt.region, tt.year,
				strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestIsHoliday(t *testing.T) {
	tests := []struct {
		region Region
		date   string
		want   string // "" when not a holiday
	}{
		{France, "2026-07-14", "Fête nationale"},
		{France, "2026-07-13", ""},
		{France, "2026-04-03", ""}, // Good Friday is a working day outside Alsace-Moselle
		{AlsaceMoselle, "2026-04-03", "Vendredi saint"},
		{France, "2026-12-26", ""},
		{AlsaceMoselle, "2026-12-26", "Saint-Étienne"},
		{AlsaceMoselle, "2026-12-25", "Noël"},
		{France, "2027-05-06", "Ascension"},
		{France, "2027-05-14", ""}, // Ascension 2026's date, not 2027's
		{"", "2026-01-01", ""},
	}
	for _, tt := range tests {
		d, err := civil.Parse(tt.date)
		if err != nil {
			t.Fatal(err)
		}
		name, ok := IsHoliday(tt.region, d)
		if name != tt.want || ok != (tt.want != "") {
			t.Errorf("IsHoliday(%q, %s) = %q, %v; want %q", tt.region, tt.date, name, ok, tt.want)
		}
	}
}
