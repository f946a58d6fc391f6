package core

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// halves draws a w×h picture, its left half red and its right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{200, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// withOrientation puts an EXIF segment saying orientation (and a GPS-like
// marker to check that it is dropped) right after a JPEG's start.
func withOrientation(t testing.TB, img image.Image, orientation uint16, order binary.ByteOrder) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)       // one entry
	order.PutUint16(tiff[10:], 0x0112) // orientation
	order.PutUint16(tiff[12:], 3)      // SHORT
	order.PutUint32(tiff[14:], 1)
	order.PutUint16(tiff[18:], orientation)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	seg = append(seg, "GPS 49.6 6.1"...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	data := buf.Bytes()
	return append(append(append([]byte{}, data[:2]...), append(app1, seg...)...), data[2:]...)
}

func colourAt(t *testing.T, img Image, x, y int) color.RGBA {
	t.Helper()
	decoded, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := decoded.At(x, y).RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

func reddish(c color.RGBA) bool { return c.R > 150 && c.B < 60 }
func bluish(c color.RGBA) bool  { return c.B > 150 && c.R < 60 }

// A phone photo held upright is stored sideways with an EXIF orientation; it
// is stored upright, its metadata gone.
func TestNormalizeImageTurnsPhotosUpright(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, tc := range []struct {
			orientation uint16
			w, h        int
			first, last func(color.RGBA) bool // top-left and bottom-right
		}{
			{1, 64, 32, reddish, bluish},
			{3, 64, 32, bluish, reddish}, // upside down
			{6, 32, 64, reddish, bluish}, // a quarter turn clockwise: the left half goes on top
			{8, 32, 64, bluish, reddish}, // anticlockwise: the right half goes on top
		} {
			img, err := NormalizeImage(withOrientation(t, halves(64, 32), tc.orientation, order), "Un banc")
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.w || img.Height != tc.h {
				t.Errorf("orientation %d (%v): %d×%d, want %d×%d", tc.orientation, order, img.Width, img.Height, tc.w, tc.h)
				continue
			}
			if a, z := colourAt(t, img, 2, 2), colourAt(t, img, tc.w-3, tc.h-3); !tc.first(a) || !tc.last(z) {
				t.Errorf("orientation %d (%v): corners %v and %v", tc.orientation, order, a, z)
			}
			if bytes.Contains(img.Data, []byte("Exif")) || bytes.Contains(img.Data, []byte("GPS")) {
				t.Errorf("orientation %d: metadata kept", tc.orientation)
			}
		}
	}
}

// A resident's photo is scaled down to MaxPhotoSide, keeping its proportions
// and colours; a staff image keeps its size.
func TestNormalizePhotoScalesDown(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, halves(3200, 800)); err != nil {
		t.Fatal(err)
	}
	photo, err := NormalizePhoto(buf.Bytes(), "Une place")
	if err != nil || photo.Width != MaxPhotoSide || photo.Height != 400 || photo.ContentType != "image/png" {
		t.Fatalf("photo: %d×%d %s, %v", photo.Width, photo.Height, photo.ContentType, err)
	}
	if c := colourAt(t, photo, 10, 10); c != (color.RGBA{200, 0, 0, 255}) {
		t.Errorf("left colour %v", c)
	}
	if c := colourAt(t, photo, 1590, 390); c != (color.RGBA{0, 0, 200, 255}) {
		t.Errorf("right colour %v", c)
	}
	kept, err := NormalizeImage(buf.Bytes(), "Une place")
	if err != nil || kept.Width != 3200 || kept.Height != 800 {
		t.Fatalf("staff image: %d×%d, %v", kept.Width, kept.Height, err)
	}
}

// Broken EXIF data is read as "upright", never as a crash.
func TestJPEGOrientationOfBrokenData(t *testing.T) {
	good := withOrientation(t, halves(8, 8), 6, binary.BigEndian)
	if o := jpegOrientation(good); o != 6 {
		t.Fatalf("orientation %d", o)
	}
	for n := range len(good) {
		if o := jpegOrientation(good[:n]); o != 1 && o != 6 {
			t.Fatalf("cut at %d: orientation %d", n, o)
		}
	}
	for _, data := range [][]byte{nil, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01}, []byte("not a jpeg at all")} {
		if o := jpegOrientation(data); o != 1 {
			t.Errorf("%q: orientation %d", data, o)
		}
	}
}
