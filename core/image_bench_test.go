package core

import (
	"encoding/binary"
	"testing"
)

// BenchmarkNormalizePhoto: a phone's 4,000×3,000 JPEG held upright (EXIF
// orientation 6), decoded, scaled down to 1,600 pixels, turned and
// re-encoded, as a resident's photo is on upload.
func BenchmarkNormalizePhoto(b *testing.B) {
	img := halves(4000, 3000)
	for i := range img.Pix { // some texture, so that JPEG has work to do
		img.Pix[i] += uint8(i / 4 % 4000 / 40)
	}
	data := withOrientation(b, img, 6, binary.BigEndian)
	var out int
	for b.Loop() {
		photo, err := NormalizePhoto(data, "Un banc")
		if err != nil || photo.Width != 1200 || photo.Height != 1600 {
			b.Fatalf("%d×%d %v", photo.Width, photo.Height, err)
		}
		out = len(photo.Data)
	}
	b.ReportMetric(float64(len(data))/1e6, "MB_in")
	b.ReportMetric(float64(out)/1e6, "MB_out")
}
