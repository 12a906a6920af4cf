package civil

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	good := map[string]string{
		"2022-02-28": "2022-02-28", "2024-2-29": "2024-02-29", "01/09/2019": "2019-09-01",
		"1/9/2019": "2019-09-01", "31.12.2023": "2023-12-31", "15-03-2021": "2021-03-15",
	}
	for in, want := range good {
		d, err := Parse(in)
		if err != nil || d.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"31/02/2022", "29/02/2023", "2022-13-01", "00/01/2020", "", "hier", "12/2020", "2020/01/01"} {
		if _, err := Parse(in); !errors.Is(err, ErrBadDate) {
			t.Errorf("Parse(%q) error = %v; want ErrBadDate", in, err)
		}
	}
}

func TestFormat(t *testing.T) {
	d, _ := Parse("2023-01-09")
	if d.French() != "09/01/2023" {
		t.Errorf("French() = %q", d.French())
	}
	if (Date{}).String() != "" || (Date{}).Ptr() != nil {
		t.Error("zero date must format as empty and be nil")
	}
	e, _ := Parse("2023-01-10")
	if !d.Before(e) || e.Before(d) {
		t.Error("Before is wrong")
	}
}
