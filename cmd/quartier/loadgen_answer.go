package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

var errBadAnswer = errors.New("not an HTTP/1.x answer")

// readAnswer reads one HTTP/1.x answer whole from r, for the load generator:
// its status, and whether the server keeps the connection open. The body is
// read and dropped, whether it has a length, comes in chunks (trailers
// included), or lasts until the server closes (then keepAlive is false). Only
// the three headers that frame an answer are looked at; the others are
// skipped unparsed, which is what makes it much cheaper than
// http.ReadResponse. It assumes the request was not HEAD.
func readAnswer(r *bufio.Reader) (status int, keepAlive bool, err error) {
	line, err := readHeaderLine(r)
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 303 See Other\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false, errBadAnswer
	}
	for _, d := range line[9:12] {
		if d < '0' || d > '9' {
			return 0, false, errBadAnswer
		}
		status = status*10 + int(d-'0')
	}
	keepAlive = line[7] == '1' // HTTP/1.1 keeps the connection unless told otherwise; 1.0 closes it
	length, chunked := -1, false
	for {
		line, err = readHeaderLine(r)
		if err != nil {
			return 0, false, err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, ok = atoiBytes(value); !ok {
				return 0, false, errBadAnswer
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keepAlive = false
			} else if bytes.EqualFold(value, []byte("keep-alive")) {
				keepAlive = true
			}
		}
	}
	switch {
	case status/100 == 1 || status == 204 || status == 304: // no body
	case chunked:
		err = discardChunks(r)
	case length >= 0:
		_, err = r.Discard(length)
	default:
		_, err = io.Copy(io.Discard, r)
		keepAlive = false
	}
	if err != nil {
		return 0, false, err
	}
	return status, keepAlive, nil
}

// readHeaderLine returns the next line; of a line longer than r's buffer
// (a long header the generator has no use for) it returns the start, which
// holds all a status line or a chunk's size line says that readAnswer needs.
func readHeaderLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	start := append([]byte(nil), line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = r.ReadSlice('\n')
	}
	return start, err
}

// discardChunks reads a chunked body and its trailers.
func discardChunks(r *bufio.Reader) error {
	for {
		line, err := readHeaderLine(r)
		if err != nil {
			return err
		}
		// "1a3;ext=v\r\n": the size in hex, perhaps extensions after it
		hex, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		size, err := strconv.ParseUint(string(bytes.TrimSpace(hex)), 16, 40)
		if err != nil {
			return errBadAnswer
		}
		if size == 0 { // the last chunk: trailers up to an empty line
			for {
				t, err := readHeaderLine(r)
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(t, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := r.Discard(int(size) + 2); err != nil { // the data and its CRLF
			return err
		}
	}
}

func atoiBytes(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	n := 0
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}
