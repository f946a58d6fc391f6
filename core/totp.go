package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // RFC 6238's default, which every authenticator app computes
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Two-step verification: after their password, a person types the code their
// authenticator app shows (TOTP, RFC 6238: HMAC-SHA-1, 30-second steps, six
// digits, the defaults every app uses), or one of the recovery codes they were
// given when they turned it on.

// totpStep is the length of a TOTP time step.
const totpStep = 30 * time.Second

// totpDigits is how many digits a code has.
const totpDigits = 6

// TOTPSkew is how many steps before or after the present a code may be from:
// a phone's clock a little off, or a code typed as it changed.
const TOTPSkew = 1

// NewTOTPSecret returns a fresh 160-bit secret, as RFC 4226 recommends.
func NewTOTPSecret() []byte {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// TOTPSecretText writes a secret as people type it into an app: base32
// without padding, in groups of four.
func TOTPSecretText(secret []byte) string {
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	var groups []string
	for len(s) > 4 {
		groups, s = append(groups, s[:4]), s[4:]
	}
	return strings.Join(append(groups, s), " ")
}

// ParseTOTPSecret reads TOTPSecretText back (spaces and case ignored).
func ParseTOTPSecret(text string) ([]byte, error) {
	s := strings.ToUpper(strings.Join(strings.Fields(text), ""))
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil || len(b) < 16 {
		return nil, Invalid("secret", "error.two_step_secret")
	}
	return b, nil
}

// TOTPURI is the otpauth:// link an authenticator app reads from a QR code.
func TOTPURI(issuer, account string, secret []byte) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{"secret": {strings.ReplaceAll(TOTPSecretText(secret), " ", "")}, "issuer": {issuer},
		"algorithm": {"SHA1"}, "digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(int(totpStep.Seconds()))}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// TOTPStepAt is the time step t falls in.
func TOTPStepAt(t time.Time) int64 { return t.Unix() / int64(totpStep.Seconds()) }

// TOTPCode is the code for secret in time step step.
func TOTPCode(secret []byte, step int64) string {
	mac := hmac.New(sha1.New, secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, n%1_000_000)
}

// MatchTOTP finds the step, within TOTPSkew of now's and after lastStep (a
// code is good once), whose code is the one typed (spaces ignored); ok is
// false when none is.
func MatchTOTP(secret []byte, typed string, now time.Time, lastStep int64) (step int64, ok bool) {
	typed = strings.Join(strings.Fields(typed), "")
	if len(typed) != totpDigits {
		return 0, false
	}
	current := TOTPStepAt(now)
	for s := current - TOTPSkew; s <= current+TOTPSkew; s++ {
		if s > lastStep && hmac.Equal([]byte(TOTPCode(secret, s)), []byte(typed)) {
			return s, true
		}
	}
	return 0, false
}

// RecoveryCodes is how many recovery codes a person gets.
const RecoveryCodes = 10

// NewRecoveryCodes returns RecoveryCodes fresh codes to show once (like
// "k7pq-3mzx-ta9c", 60 bits each) and their hashes to store.
func NewRecoveryCodes() (codes []string, hashes [][]byte) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
	for range RecoveryCodes {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		var sb strings.Builder
		for i, x := range b {
			if i > 0 && i%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(alphabet[int(x)%len(alphabet)])
		}
		codes = append(codes, sb.String())
		hashes = append(hashes, HashRecoveryCode(sb.String()))
	}
	return codes, hashes
}

// HashRecoveryCode is what is stored of a recovery code, and looked up for
// one typed (case, spaces and dashes ignored).
func HashRecoveryCode(typed string) []byte {
	s := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(typed))
	return HashToken("recovery:" + s)
}
