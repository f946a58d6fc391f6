package web

import "encoding/json"

// mustJSON encodes values that cannot fail to encode (plain structs and maps).
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
