package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tally counts what became of a phase's requests.
type tally struct {
	latencies []time.Duration // of requests that got a response
	status    map[int]int
	errors    map[string]int
	unknown   int // sent, no response: may or may not have taken effect
	notSent   int // the connection was refused
}

func newTally() *tally { return &tally{status: map[int]int{}, errors: map[string]int{}} }

func (t *tally) add(a attempt) {
	switch {
	case a.status != 0:
		t.status[a.status]++
		t.latencies = append(t.latencies, a.latency)
	case a.sent:
		t.unknown++
		t.errors[a.errKind]++
	default:
		t.notSent++
		t.errors[a.errKind]++
	}
}

func (t *tally) merge(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	for k, v := range o.status {
		t.status[k] += v
	}
	for k, v := range o.errors {
		t.errors[k] += v
	}
	t.unknown += o.unknown
	t.notSent += o.notSent
}

func (t *tally) requests() int {
	n := t.unknown + t.notSent
	for _, v := range t.status {
		n += v
	}
	return n
}

func (t *tally) serverErrors() int {
	n := 0
	for s, v := range t.status {
		if s >= 500 {
			n += v
		}
	}
	return n
}

// Latency is a latency distribution in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func latencyOf(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return Latency{P50: ms(percentile(s, 50)), P95: ms(percentile(s, 95)), P99: ms(percentile(s, 99)), Max: ms(s[len(s)-1])}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (l Latency) String() string {
	return fmt.Sprintf("p50 %s p95 %s p99 %s", fmtMS(l.P50), fmtMS(l.P95), fmtMS(l.P99))
}

func fmtMS(v float64) string {
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64) + "ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + "ms"
}

// statusCounts turns a tally's statuses and errors into "201", "500",
// "timeout"… keyed counts for the summary.
func (t *tally) statusCounts() map[string]int {
	out := make(map[string]int, len(t.status)+len(t.errors))
	for s, v := range t.status {
		out[strconv.Itoa(s)] = v
	}
	maps.Copy(out, t.errors)
	return out
}

func fmtCounts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// rssSampler reads a process's resident memory every 100ms. VmHWM is the
// kernel's own high-water mark; VmRSS sampled catches it where VmHWM is
// missing.
type rssSampler struct {
	pid  int
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	peak int64 // kB
}

func startRSS(pid int) (*rssSampler, error) {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	if _, err := readRSS(pid); err != nil {
		return nil, err
	}
	go s.loop()
	return s, nil
}

func (s *rssSampler) loop() {
	defer close(s.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if kb, err := readRSS(s.pid); err == nil {
			s.mu.Lock()
			s.peak = max(s.peak, kb)
			s.mu.Unlock()
		}
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Stop ends sampling and returns the peak in kB.
func (s *rssSampler) Stop() int64 {
	if s == nil {
		return 0
	}
	close(s.stop)
	<-s.done
	if kb, err := readRSS(s.pid); err == nil {
		s.peak = max(s.peak, kb)
	}
	return s.peak
}

// readRSS returns max(VmHWM, VmRSS) of the process in kB.
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var peak int64
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmHWM" && name != "VmRSS") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		peak, found = max(peak, kb), true
	}
	if !found {
		return 0, fmt.Errorf("/proc/%d/status has no VmHWM or VmRSS", pid)
	}
	return peak, sc.Err()
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times; 100
// on every Linux port Go supports.
const clockTicks = 100

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count fields from the last ")".
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	// utime and stime are fields 14 and 15 of the line, 12 and 13 here.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unreadable times", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
