package jsonenc

import (
	"encoding/json"
	"math"
	"testing"
)

func TestString_MatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ back`, "<script>&amp;</script>", "tab\tnew\nline\r\x00\x1f\x7f",
		"Zoë Ångström 李雷", "line\u2028para\u2029", "bad \xff utf8 \xe2\x82", "emoji 🎓"} {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestFloat_MatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 100, 69.07142857142857, 1e-7, 1.5e-9, 1e21, 123456789.125, 0.1 + 0.2, math.SmallestNonzeroFloat64, -0.000001} {
		want, _ := json.Marshal(f)
		if got := Float(nil, f); string(got) != string(want) {
			t.Errorf("Float(%v) = %s, want %s", f, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("hello <world> & \u2028")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzFloat(f *testing.F) {
	f.Add(69.07142857142857)
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		want, _ := json.Marshal(x)
		if got := Float(nil, x); string(got) != string(want) {
			t.Fatalf("Float(%v) = %s, want %s", x, got, want)
		}
	})
}

func BenchmarkString(b *testing.B) {
	s := "Take a short course in search engine marketing: keyword research, bidding and ad copy, and how to read the results. " +
		"It addresses the largest gap in your marketing experience & costs about 40 hours."
	buf := make([]byte, 0, 512)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = String(buf[:0], s)
	}
}
