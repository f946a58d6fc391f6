package geo

// latin9 decodes ISO-8859-15 (the encoding of the CACLR files): ISO-8859-1 with
// eight code points replaced, among them the euro sign and œ.
func latin9(b []byte) string {
	out := make([]rune, len(b))
	for i, c := range b {
		r := rune(c)
		switch c {
		case 0xA4:
			r = '€'
		case 0xA6:
			r = 'Š'
		case 0xA8:
			r = 'š'
		case 0xB4:
			r = 'Ž'
		case 0xB8:
			r = 'ž'
		case 0xBC:
			r = 'Œ'
		case 0xBD:
			r = 'œ'
		case 0xBE:
			r = 'Ÿ'
		}
		out[i] = r
	}
	return string(out)
}
