package core

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want, key string
	}{
		{"  Lea.Muller@Example.LU ", "lea.muller@example.lu", ""},
		{"a+tag@commune.lu", "a+tag@commune.lu", ""},
		{"", "", "error.email_required"},
		{"no-at-sign", "", "error.email_invalid"},
		{"Lea <lea@example.lu>", "", "error.email_invalid"},
		{"lea@localhost", "", "error.email_invalid"},
		{"lea@exa mple.lu", "", "error.email_invalid"},
		{strings.Repeat("a", 250) + "@x.lu", "", "error.email_invalid"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if tt.key == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Key != tt.key || e.Field != "email" || e.Code != CodeInvalid {
			t.Errorf("NormalizeEmail(%q) error = %v; want invalid %s on email", tt.in, err, tt.key)
		}
	}
}

func TestRegistrationNormalizeReportsEveryField(t *testing.T) {
	_, err := Registration{Email: "bad", DisplayName: "  ", Password: "short"}.Normalize()
	var fields []string
	for _, p := range Problems(err) {
		fields = append(fields, p.Field)
	}
	if got := strings.Join(fields, ","); got != "email,display_name,password" {
		t.Fatalf("problem fields = %q, want email,display_name,password", got)
	}
	r, err := Registration{Email: "X@Y.lu", DisplayName: "  Léa \t Muller ", Password: "correct horse", Locale: "de-LU"}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if r.Email != "x@y.lu" || r.DisplayName != "Léa Muller" || r.Locale != German {
		t.Fatalf("normalised = %+v", r)
	}
}

func TestValidatePasswordCountsCharactersNotBytes(t *testing.T) {
	if err := ValidatePassword("éééééééééé"); err != nil { // 10 runes, 20 bytes
		t.Fatalf("10 accented characters rejected: %v", err)
	}
	if err := ValidatePassword("ééééééééé"); err == nil {
		t.Fatal("9 characters accepted")
	}
	if err := ValidatePassword(strings.Repeat("x", MaxPasswordLength+1)); err == nil {
		t.Fatal("over-long password accepted")
	}
}

func TestDisplayNameRejectsControlCharacters(t *testing.T) {
	if _, err := NormalizeDisplayName("Léa\x00"); err == nil {
		t.Fatal("NUL accepted")
	}
	if _, err := NormalizeDisplayName(strings.Repeat("é", 81)); err == nil {
		t.Fatal("81 characters accepted")
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{RoleAdmin, RoleManager, true},
		{RoleManager, RoleManager, true},
		{RoleModerator, RoleManager, false},
		{RoleCitizen, RoleModerator, false},
		{Role("root"), RoleCitizen, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v", tt.r, tt.min, got)
		}
	}
	if _, err := ParseRole("Superuser"); err == nil {
		t.Fatal("unknown role parsed")
	}
	if r, err := ParseRole(" Admin "); err != nil || r != RoleAdmin {
		t.Fatalf("ParseRole(Admin) = %q, %v", r, err)
	}
}

func TestParseLanguage(t *testing.T) {
	for in, want := range map[string]Language{"fr": French, "de-LU": German, "LB": Luxembourgish, "ltz": Luxembourgish, "en_GB": English} {
		if got, ok := ParseLanguage(in); !ok || got != want {
			t.Errorf("ParseLanguage(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseLanguage("nl"); ok {
		t.Error("nl accepted")
	}
}
