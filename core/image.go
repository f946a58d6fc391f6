package core

import (
	"bytes"
	"image"
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
// bytes a browser might read as something else. alt is required.
func NormalizeImage(data []byte, alt string) (Image, error) {
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
	var out bytes.Buffer
	ctype := "image/jpeg"
	if format == "png" {
		ctype = "image/png"
		err = png.Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Image{}, Internalf("re-encode image: %w", err)
	}
	return Image{ContentType: ctype, Data: out.Bytes(), Width: cfg.Width, Height: cfg.Height, Alt: alt}, nil
}
