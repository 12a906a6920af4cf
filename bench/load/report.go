package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of the request desk on SQLite at 200 000 requests and 2 000 people, on 2 cores.
const (
	targetCreateRatio = 0.5  // API create throughput, as a share of the floor's
	targetQueueP99    = 50.0 // ms
	targetSearchP99   = 50.0 // ms
)

// Report is what a run measured, on what, and how it compares with the targets.
type Report struct {
	Date          string    `json:"date"`
	Machine       Machine   `json:"machine"`
	Target        string    `json:"target"` // "in-process" or the URL
	Database      string    `json:"database"`
	People        int       `json:"people"`
	Requests      int       `json:"requests"`
	Seed          seedTimes `json:"seed_ns"`
	Concurrency   int       `json:"concurrency"`
	QueueFilters  []string  `json:"queue_filters"`
	SearchQueries []string  `json:"search_queries"`

	Floor      Result `json:"floor"`
	Create     Result `json:"create"`
	Queue      Result `json:"queue"`
	SearchPage Result `json:"search_page"`
	SearchAPI  Result `json:"search_api"`

	// CreateRatio is the API's create throughput divided by the floor's.
	CreateRatio float64   `json:"create_ratio"`
	Verdicts    []Verdict `json:"verdicts"`
	Errors      int       `json:"errors"` // failed requests over every measurement: any fails the run
	LoadAfter   string    `json:"load_average_after"`
}

// Machine describes where the run happened: figures mean little without it.
type Machine struct {
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model,omitempty"`
	Go         string `json:"go"`
	LoadBefore string `json:"load_average_before,omitempty"` // other work on the machine
}

// Verdict compares one figure with its target.
type Verdict struct {
	Name     string  `json:"name"`
	Target   string  `json:"target"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	OK       bool    `json:"ok"`
}

func newReport(o options) *Report {
	rep := &Report{Date: time.Now().UTC().Format(time.RFC3339), Target: "in-process", People: o.people,
		Requests: o.requests, Concurrency: o.concurrency,
		Machine: Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
			GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: cpuModel(), Go: runtime.Version(), LoadBefore: loadAverage()}}
	if o.target != "" {
		rep.Target = o.target
	}
	return rep
}

// finish computes the ratio, the verdicts and the error count.
func (r *Report) finish() {
	if r.Floor.PerSecond > 0 {
		r.CreateRatio = r.Create.PerSecond / r.Floor.PerSecond
	}
	r.Verdicts = []Verdict{
		{Name: "API create throughput", Target: fmt.Sprintf("≥ %.2f × floor", targetCreateRatio), Measured: r.CreateRatio,
			Unit: "× floor", OK: r.CreateRatio >= targetCreateRatio},
		{Name: "queue page p99", Target: fmt.Sprintf("< %.0f ms", targetQueueP99), Measured: r.Queue.P99ms, Unit: "ms",
			OK: r.Queue.P99ms < targetQueueP99},
		{Name: "search page p99", Target: fmt.Sprintf("< %.0f ms", targetSearchP99), Measured: r.SearchPage.P99ms, Unit: "ms",
			OK: r.SearchPage.P99ms < targetSearchP99},
		{Name: "search API p99", Target: fmt.Sprintf("< %.0f ms", targetSearchP99), Measured: r.SearchAPI.P99ms, Unit: "ms",
			OK: r.SearchAPI.P99ms < targetSearchP99},
	}
	r.Errors = 0
	for _, res := range r.results() {
		r.Errors += res.Errors
	}
	r.LoadAfter = loadAverage()
}

func (r *Report) results() []Result {
	return []Result{r.Floor, r.Create, r.Queue, r.SearchPage, r.SearchAPI}
}

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // the queue filters' & as it is
	return enc.Encode(r)
}

func (r *Report) writeText(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "Majordome load benchmark, %s\n", r.Date)
	fmt.Fprintf(w, "machine:  %s/%s, %d CPUs (GOMAXPROCS %d)", m.OS, m.Arch, m.CPUs, m.GOMAXPROCS)
	if m.CPUModel != "" {
		fmt.Fprintf(w, ", %s", m.CPUModel)
	}
	fmt.Fprintf(w, ", %s\n", m.Go)
	if m.LoadBefore != "" {
		fmt.Fprintf(w, "load:     %s before, %s after (load average 1/5/15 min: other work on the machine)\n", m.LoadBefore, r.LoadAfter)
	}
	if r.Target == "in-process" {
		fmt.Fprintf(w, "data:     %s, %d people, %d requests, seeded in %s\n", r.Database, r.People, r.Requests, r.Seed)
	} else {
		fmt.Fprintf(w, "target:   %s (%s)\n", r.Target, r.Database)
	}
	fmt.Fprintf(w, "clients:  %d concurrent over loopback TCP, keep-alive; warm-up excluded\n", r.Concurrency)
	fmt.Fprintf(w, "queue:    /requests?%s\n\n", strings.Join(r.QueueFilters, " | "))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tn\terrors\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\t")
	for _, res := range r.results() {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", res.Name, res.N, res.Errors, res.PerSecond,
			res.P50ms, res.P90ms, res.P99ms, res.MaxMs)
	}
	tw.Flush()
	for _, res := range r.results() {
		if res.TimedOut {
			fmt.Fprintf(w, "%s: stopped after %.0f s with %d of the %d asked for\n", res.Name, res.Seconds, res.N, res.Planned)
		}
	}
	fmt.Fprintf(w, "\nAPI create throughput: %.2f × floor\n\n", r.CreateRatio)

	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\t\tmeasured\tverdict")
	for _, v := range r.Verdicts {
		verdict := "ok"
		if !v.OK {
			verdict = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f %s\t%s\n", v.Name, v.Target, v.Measured, v.Unit, verdict)
	}
	tw.Flush()
	for _, res := range r.results() {
		if res.FirstError != "" {
			fmt.Fprintf(w, "\n%s: %d failed, first: %s\n", res.Name, res.Errors, res.FirstError)
		}
	}
}

// cpuModel is the processor's name on Linux, "" elsewhere.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage is the 1, 5 and 15 minute load averages on Linux, "" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
