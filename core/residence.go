package core

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"time"
)

// CodeAlphabet is what residence codes are made of: capitals and digits without
// the look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B), so a code read off paper is typed
// right.
const CodeAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

// ResidenceCodeLen is the number of characters of a code: 25^10 ≈ 9.5·10^13
// possibilities, against a handful of attempts per account and address per hour.
const ResidenceCodeLen = 10

// NewResidenceCode returns a fresh random code in its printed form (XXXXX-XXXXX)
// and the hash to store.
func NewResidenceCode() (printed string, hash []byte) {
	buf := make([]byte, ResidenceCodeLen)
	raw := make([]byte, ResidenceCodeLen)
	for i := 0; i < ResidenceCodeLen; {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			// Rejection sampling keeps every character equally likely.
			if int(b) < 256-256%len(CodeAlphabet) && i < ResidenceCodeLen {
				raw[i] = CodeAlphabet[int(b)%len(CodeAlphabet)]
				i++
			}
		}
	}
	return string(raw[:5]) + "-" + string(raw[5:]), HashResidenceCode(string(raw))
}

// NormalizeResidenceCode turns what a resident typed into the stored form: case,
// spaces and dashes do not matter. ok is false when it cannot be a code.
func NormalizeResidenceCode(typed string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != ResidenceCodeLen {
		return "", false
	}
	return b.String(), true
}

// HashResidenceCode is the stored form of a normalised code.
func HashResidenceCode(normalized string) []byte {
	h := sha256.Sum256([]byte("quartier residence code\x00" + normalized))
	return h[:]
}

// ResidenceCodeTTL is how long a printed code stays valid after the
// consultation closes, so late redeemers still get a verified address.
const ResidenceCodeTTL = 30 * 24 * time.Hour

// Redemption is what redeeming a code did.
type Redemption struct {
	ConsultationID int64
	AddressID      int64
}

// HomeVerifiedVia values.
const (
	VerifiedByCode = "residence_code"
)
