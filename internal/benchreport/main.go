// Command benchreport gathers the real-program benchmark results of
// `make bench` (bench-results/*.json with a "cases" list whose entries
// time the build kinds plain, retpoline, optpoline and static) into one
// table and a plot: bench-results/summary.json and bench-results/bench.png
// (gnuplot, from Debian's gnuplot-nox), time per build kind relative to
// plain, one group of bars per benchmark case.
//
//	go run ./internal/benchreport [-dir bench-results]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// alias names bench-lua.sh's kinds for the plot's, where a file has no
// kind of the plot's name: its funnel build is a default optpoline build
// of thunk code (passes/dispatch), and its profile-guided rebuild is the
// static kind (it still runs the runtime, which learns what the profile
// could not name).
var alias = map[string]string{"optpoline": "optpoline-funnel", "static": "optpoline-profile"}

// kinds are the build kinds in the order of the plot's bars.
var kinds = []string{"plain", "retpoline", "optpoline", "static"}

// row is one benchmark case: median time per kind.
type row struct {
	Bench string             `json:"bench"`
	Case  string             `json:"case"`
	Time  map[string]float64 `json:"time"`
	// Recovered is the share of the retpoline overhead each optpoline kind
	// recovers, (t_retpoline − t_kind) / (t_retpoline − t_plain).
	Recovered map[string]float64 `json:"recovered,omitempty"`
}

func main() {
	dir := flag.String("dir", "bench-results", "directory of the benchmark results")
	flag.Parse()
	rows, err := gather(*dir)
	if err == nil && len(rows) == 0 {
		err = fmt.Errorf("%s: no real-program results (run make bench)", *dir)
	}
	if err == nil {
		err = write(*dir, rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// gather reads every result file with build-kind cases.
func gather(dir string) ([]row, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var rows []row
	for _, f := range files {
		if filepath.Base(f) == "summary.json" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Bench string           `json:"bench"`
			Cases []map[string]any `json:"cases"`
			// Scripts is bench-lua.sh's form: script → kind → time.
			Scripts map[string]map[string]any `json:"scripts"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if doc.Bench == "" {
			doc.Bench = strings.TrimSuffix(filepath.Base(f), ".json")
		}
		names := make([]string, 0, len(doc.Scripts))
		for name := range doc.Scripts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			c := map[string]any{"case": name}
			for k, v := range doc.Scripts[name] {
				c[k] = v
			}
			doc.Cases = append(doc.Cases, c)
		}
		for _, c := range doc.Cases {
			r := row{Bench: doc.Bench, Time: map[string]float64{}}
			r.Case, _ = c["case"].(string)
			for _, k := range kinds {
				if v, ok := c[k].(float64); ok {
					r.Time[k] = v
				} else if v, ok := c[alias[k]].(float64); ok {
					r.Time[k] = v
				}
			}
			if r.Case == "" || r.Time["plain"] <= 0 || r.Time["retpoline"] <= 0 {
				continue // not a build-kind comparison
			}
			if over := r.Time["retpoline"] - r.Time["plain"]; over > 0 {
				r.Recovered = map[string]float64{}
				for _, k := range kinds[2:] {
					if t, ok := r.Time[k]; ok {
						r.Recovered[k] = (r.Time["retpoline"] - t) / over
					}
				}
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// write prints the table and writes summary.json, bench.dat and bench.png.
func write(dir string, rows []row) error {
	var dat strings.Builder
	dat.WriteString("# case " + strings.Join(kinds, " ") + " (time / plain)\n")
	fmt.Printf("%-22s", "case (time / plain)")
	for _, k := range kinds {
		fmt.Printf(" %10s", k)
	}
	fmt.Println("   recovered")
	for _, r := range rows {
		name := r.Bench + "/" + r.Case
		fmt.Printf("%-22s", name)
		dat.WriteString(`"` + name + `"`)
		for _, k := range kinds {
			t, ok := r.Time[k]
			if !ok {
				fmt.Printf(" %10s", "-")
				dat.WriteString(" NaN")
				continue
			}
			fmt.Printf(" %9.2f×", t/r.Time["plain"])
			fmt.Fprintf(&dat, " %.4f", t/r.Time["plain"])
		}
		for _, k := range kinds[2:] {
			if v, ok := r.Recovered[k]; ok {
				fmt.Printf("  %s %.0f%%", k, 100*v)
			}
		}
		fmt.Println()
		dat.WriteString("\n")
	}
	sum, _ := json.MarshalIndent(map[string]any{"kinds": kinds, "rows": rows}, "", "  ")
	if err := writeFile(filepath.Join(dir, "summary.json"), append(sum, '\n')); err != nil {
		return err
	}
	datPath := filepath.Join(dir, "bench.dat")
	if err := writeFile(datPath, []byte(dat.String())); err != nil {
		return err
	}
	if _, err := exec.LookPath("gnuplot"); err != nil {
		fmt.Println("no gnuplot: bench.png not drawn (apt-get install gnuplot-nox)")
		return nil
	}
	png := filepath.Join(dir, "bench.png")
	script := fmt.Sprintf(`set terminal pngcairo size 1100,520 font ",10"
set output %q
set title "Run time per build kind, relative to plain (median CPU time; lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "time / plain"
set yrange [0:*]
set grid ytics
set xtics rotate by -30
set key below
plot %s
`, png+".tmp", plots(datPath, rows))
	cmd := exec.Command("gnuplot")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(png + ".tmp")
		return fmt.Errorf("gnuplot: %v\n%s", err, out)
	}
	if err := os.Rename(png+".tmp", png); err != nil {
		return err
	}
	fmt.Println("wrote", png)
	return nil
}

// titles are the plot's names of the build kinds.
var titles = map[string]string{
	"plain":     "plain",
	"retpoline": "retpoline",
	"optpoline": "retpoline + optpoline (learned)",
	"static":    "retpoline + optpoline (static profile)",
}

// plots is gnuplot's plot list: one bar series per kind that some row has
// (a series with no point at all is an error to gnuplot).
func plots(dat string, rows []row) string {
	var ps []string
	for i, k := range kinds {
		have := false
		for _, r := range rows {
			_, ok := r.Time[k]
			have = have || ok
		}
		if !have {
			continue
		}
		src := "''"
		if len(ps) == 0 {
			src = fmt.Sprintf("%q", dat)
		}
		ps = append(ps, fmt.Sprintf("%s using %d:xtic(1) title %q", src, i+2, titles[k]))
	}
	return strings.Join(ps, ", ")
}

// writeFile writes data to a temporary file and renames it into place.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
