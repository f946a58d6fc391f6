package web

import "testing"

func TestEurosGroupThousandsAndShowCentsOnlyWhenThereAreSome(t *testing.T) {
	for cents, want := range map[int64]string{
		18_000_000: "180\u202f000\u00a0€",
		100_000:    "1\u202f000\u00a0€",
		99_900:     "999\u00a0€",
		1250:       "12,50\u00a0€",
		5:          "0,05\u00a0€",
		0:          "0\u00a0€",
		-123_456:   "-1\u202f234,56\u00a0€",
	} {
		if got := euros(cents); got != want {
			t.Errorf("euros(%d) = %q, want %q", cents, got, want)
		}
	}
}
