package core

import "testing"

// BenchmarkHashPassword measures what one registration, login or reset costs in
// CPU and memory: the argon2id parameters trade this against guessing speed.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
