package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is how long a log line may wait in the buffer.
const logFlushEvery = 100 * time.Millisecond

// logBufferSize is how much is gathered before it is written at once.
const logBufferSize = 64 << 10

// bufferedLog gathers log lines and writes them out together: when the
// buffer fills, at most a set time (logFlushEvery in the server) after the
// first line waiting, and at Close. One write per request line cost the score API about a seventh of
// its throughput; this makes it one write per batch. Warnings and errors
// are written at once (see flushOnWarn).
type bufferedLog struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	every  time.Duration
	timer  *time.Timer // armed while lines wait
	armed  bool
	closed bool
}

func newBufferedLog(w io.Writer, every time.Duration) *bufferedLog {
	l := &bufferedLog{w: w, every: every, buf: make([]byte, 0, logBufferSize)}
	l.timer = time.AfterFunc(time.Hour, func() { _ = l.Flush() })
	l.timer.Stop()
	return l
}

// Write takes one log line. slog writes each record in one call.
func (l *bufferedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return l.w.Write(p)
	}
	if len(l.buf)+len(p) > cap(l.buf) {
		if err := l.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > cap(l.buf) {
			return l.w.Write(p)
		}
	}
	l.buf = append(l.buf, p...)
	if !l.armed {
		l.armed = true
		l.timer.Reset(l.every)
	}
	return len(p), nil
}

// Flush writes out whatever is waiting.
func (l *bufferedLog) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}

func (l *bufferedLog) flushLocked() error {
	if l.armed {
		l.timer.Stop()
		l.armed = false
	}
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf)
	l.buf = l.buf[:0]
	return err
}

// Close writes out what is waiting; later lines are written straight
// through.
func (l *bufferedLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.flushLocked()
	l.closed = true
	return err
}

// flushOnWarn writes warnings and errors out at once, with every line
// before them, so a problem is never left waiting in the buffer.
type flushOnWarn struct {
	slog.Handler
	log *bufferedLog
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.log.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.log}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.log}
}
