package core

import (
	"strings"
	"testing"
	"time"
)

// RFC 6238, appendix B (SHA-1, secret "12345678901234567890"): the eight-digit
// codes' last six digits.
func TestTOTPCodesOfRFC6238(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, tt := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := TOTPCode(secret, TOTPStepAt(time.Unix(tt.unix, 0))); got != tt.want {
			t.Errorf("at %d: %s, want %s", tt.unix, got, tt.want)
		}
	}
}

func TestMatchTOTP(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	step := TOTPStepAt(now)
	if s, ok := MatchTOTP(secret, TOTPCode(secret, step-1), now, 0); !ok || s != step-1 {
		t.Error("a code from the step before is refused")
	}
	if _, ok := MatchTOTP(secret, TOTPCode(secret, step-2), now, 0); ok {
		t.Error("a code from a minute ago is accepted")
	}
	if _, ok := MatchTOTP(secret, TOTPCode(secret, step), now, step); ok {
		t.Error("a code used once is accepted again")
	}
	code := TOTPCode(secret, step)
	if _, ok := MatchTOTP(secret, code[:3]+" "+code[3:], now, 0); !ok {
		t.Error("a code typed with a space is refused")
	}
	for _, typed := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := MatchTOTP(secret, typed, now, 0); ok {
			t.Errorf("%q accepted", typed)
		}
	}
}

func TestTOTPSecretTextAndURI(t *testing.T) {
	secret := NewTOTPSecret()
	text := TOTPSecretText(secret)
	back, err := ParseTOTPSecret(strings.ToLower(text))
	if err != nil || string(back) != string(secret) {
		t.Fatalf("%q read back as %x, %v", text, back, err)
	}
	if _, err := ParseTOTPSecret("not base32!"); err == nil {
		t.Error("a malformed secret is read")
	}
	uri := TOTPURI("Quartier Ettelbruck", "léa@example.lu", secret)
	if !strings.HasPrefix(uri, "otpauth://totp/Quartier%20Ettelbruck:l%C3%A9a@example.lu?") || !strings.Contains(uri, "secret="+strings.ReplaceAll(text, " ", "")) {
		t.Errorf("uri %s", uri)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := NewRecoveryCodes()
	if len(codes) != RecoveryCodes || len(hashes) != RecoveryCodes {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 14 || seen[c] || string(HashRecoveryCode(strings.ToUpper(strings.ReplaceAll(c, "-", " ")))) != string(hashes[i]) {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
}
