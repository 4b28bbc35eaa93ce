package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the flush timer writes.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

func TestBufferedLog_KeepsEveryLineInOrder(t *testing.T) {
	var out syncBuffer
	l := newBufferedLog(&out, time.Hour)
	const writers, lines = 8, 5000
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				fmt.Fprintf(l, "writer=%d line=%d padding=%s\n", w, i, strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines written, want %d", len(got), writers*lines)
	}
	next := make([]int, writers)
	for _, line := range got {
		var w, i int
		if _, err := fmt.Sscanf(line, "writer=%d line=%d", &w, &i); err != nil {
			t.Fatalf("torn line %q: %v", line, err)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d after %d", w, i, next[w]-1)
		}
		next[w]++
	}
	// 40,000 lines of about 70 bytes in 64 KiB batches: far fewer writes
	// than lines.
	if n := out.Writes(); n > len(got)/100 {
		t.Errorf("%d writes for %d lines", n, len(got))
	}
}

// notifyingWriter tells written each time it is written to.
type notifyingWriter struct {
	syncBuffer
	written chan struct{}
}

func (n *notifyingWriter) Write(p []byte) (int, error) {
	k, err := n.syncBuffer.Write(p)
	n.written <- struct{}{}
	return k, err
}

func TestBufferedLog_FlushesAfterAWhile(t *testing.T) {
	out := &notifyingWriter{written: make(chan struct{}, 1)}
	l := newBufferedLog(out, 10*time.Millisecond)
	defer l.Close()
	// Nothing else flushes: the timer must write each line.
	waitWrite := func(want string) {
		t.Helper()
		select {
		case <-out.written:
		case <-time.After(5 * time.Second):
			t.Fatalf("nothing written by the timer; output %q, want %q", out.String(), want)
		}
		if out.String() != want {
			t.Fatalf("output %q, want %q", out.String(), want)
		}
	}
	fmt.Fprintln(l, "first")
	waitWrite("first\n")
	// The timer arms again for the next line.
	fmt.Fprintln(l, "second")
	waitWrite("first\nsecond\n")
}

func TestBufferedLog_WarningsGoOutAtOnce(t *testing.T) {
	var out syncBuffer
	l := newBufferedLog(&out, time.Hour)
	log := slog.New(flushOnWarn{slog.NewTextHandler(l, nil), l}).With("app", "readiness")
	log.Info("request", "status", 200)
	if out.String() != "" {
		t.Fatalf("info line written before a flush: %q", out.String())
	}
	log.WithGroup("db").Error("open database", "err", "disk full")
	s := out.String()
	if !strings.Contains(s, "msg=request") || !strings.Contains(s, "level=ERROR") || !strings.Contains(s, "db.err=\"disk full\"") {
		t.Fatalf("after an error: %q", s)
	}
	if strings.Index(s, "msg=request") > strings.Index(s, "level=ERROR") {
		t.Errorf("lines out of order: %q", s)
	}
	l.Close()
	log.Info("after close")
	if !strings.Contains(out.String(), "after close") {
		t.Errorf("line after Close not written through: %q", out.String())
	}
}

func TestBufferedLog_LongLinePassesThrough(t *testing.T) {
	var out syncBuffer
	l := newBufferedLog(&out, time.Hour)
	fmt.Fprintln(l, "short")
	long := strings.Repeat("y", logBufferSize+10) + "\n"
	fmt.Fprint(l, long)
	if want := "short\n" + long; out.String() != want {
		t.Fatalf("got %d bytes, want %d, in order", len(out.String()), len(want))
	}
	l.Close()
}
