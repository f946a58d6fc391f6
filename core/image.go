package core

import (
	"bytes"
	"image"
	"image/draw"
	_ "image/gif" // decoders registered for image.Decode
	"image/jpeg"
	"image/png"
	"strings"
	"unicode/utf8"
)

// Image limits.
const (
	MaxImageBytes     = 8 << 20
	MaxImageDimension = 6000
	MaxAltLength      = 300
	// MaxPhotoSide is the longest side a resident's photo is stored with: a
	// phone's 4,000 pixels would cost every visitor megabytes for nothing.
	MaxPhotoSide = 1600
)

// Image is an uploaded picture, re-encoded.
type Image struct {
	ContentType   string
	Data          []byte
	Width, Height int
	Alt           string
}

// NormalizeImage checks that data is a PNG, JPEG or GIF of sensible size and
// re-encodes it (PNG stays PNG, the others become JPEG): what is stored is a
// fresh image, without the original's metadata (GPS position, camera) or any
// bytes a browser might read as something else. A photo turned by its camera
// (EXIF orientation) is stored upright. alt is required.
func NormalizeImage(data []byte, alt string) (Image, error) { return normalizeImage(data, alt, 0) }

// NormalizePhoto is NormalizeImage for residents' photos: also scaled down
// to MaxPhotoSide on its longest side.
func NormalizePhoto(data []byte, alt string) (Image, error) {
	return normalizeImage(data, alt, MaxPhotoSide)
}

func normalizeImage(data []byte, alt string, maxSide int) (Image, error) {
	alt = strings.Join(strings.Fields(alt), " ")
	if alt == "" || utf8.RuneCountInString(alt) > MaxAltLength {
		return Image{}, Invalid("alt", "error.image_alt")
	}
	if len(data) == 0 || len(data) > MaxImageBytes {
		return Image{}, Invalid("image", "error.image_size")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, Invalid("image", "error.image_format")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageDimension || cfg.Height > MaxImageDimension {
		return Image{}, Invalid("image", "error.image_size")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, Invalid("image", "error.image_format")
	}
	orientation := 1
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}
	upright := orient(scaledDown(img, maxSide), orientation)
	var out bytes.Buffer
	ctype := "image/jpeg"
	if format == "png" {
		ctype = "image/png"
		err = png.Encode(&out, upright)
	} else {
		err = jpeg.Encode(&out, upright, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Image{}, Internalf("re-encode image: %w", err)
	}
	b := upright.Bounds()
	return Image{ContentType: ctype, Data: out.Bytes(), Width: b.Dx(), Height: b.Dy(), Alt: alt}, nil
}

// scaledDown returns img as RGBA, scaled so that its longest side is at
// most maxSide (0: kept): each pixel is the average of the pixels it covers
// (a box filter, which suits shrinking; the standard library has no scaler).
func scaledDown(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	sw, sh := b.Dx(), b.Dy()
	if maxSide <= 0 || max(sw, sh) <= maxSide {
		return src
	}
	w, h := maxSide, max(1, sh*maxSide/sw)
	if sh > sw {
		w, h = max(1, sw*maxSide/sh), maxSide
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		y0, y1 := y*sh/h, max(y*sh/h+1, (y+1)*sh/h)
		for x := range w {
			x0, x1 := x*sw/w, max(x*sw/w+1, (x+1)*sw/w)
			var sum [4]uint32
			for sy := y0; sy < y1; sy++ {
				row := src.Pix[src.PixOffset(x0, sy):src.PixOffset(x1, sy)]
				for i := 0; i < len(row); i += 4 {
					sum[0] += uint32(row[i])
					sum[1] += uint32(row[i+1])
					sum[2] += uint32(row[i+2])
					sum[3] += uint32(row[i+3])
				}
			}
			n := uint32((y1 - y0) * (x1 - x0))
			o := dst.PixOffset(x, y)
			for c := range 4 {
				dst.Pix[o+c] = uint8((sum[c] + n/2) / n)
			}
		}
	}
	return dst
}

// orient turns src as its EXIF orientation (1–8) says it is to be shown.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if orientation >= 5 { // a quarter turn: the sides swap
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch orientation {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // upside down
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored upside down
				sx, sy = x, h-1-y
			case 5: // mirrored, a quarter turn
				sx, sy = y, x
			case 6: // a quarter turn clockwise
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8: // a quarter turn anticlockwise
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[dst.PixOffset(x, y):dst.PixOffset(x, y)+4], src.Pix[src.PixOffset(sx, sy):src.PixOffset(sx, sy)+4])
		}
	}
	return dst
}
