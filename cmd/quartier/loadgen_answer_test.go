package main

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// readAnswer reads exactly one answer however its body is framed, and
// refuses what is not an answer.
func TestReadAnswerReadsOneAnswerWhole(t *testing.T) {
	long := "X-Long: " + strings.Repeat("v", 100) + "\r\n" // longer than the 64-byte buffer below
	for _, tc := range []struct {
		name, in, rest string
		status         int
		keepAlive      bool
	}{
		{"length", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\ncontent-length: 5\r\n\r\nbusy!NEXT", "NEXT", 503, true},
		{"chunks, extension, trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + long + "\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT", "NEXT", 200, true},
		{"close", "HTTP/1.1 303 See Other\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", "", 303, false},
		{"HTTP/1.0 up to the close", "HTTP/1.0 200 OK\r\n\r\nhello", "", 200, false},
		{"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nokNEXT", "NEXT", 200, true},
		{"no body", "HTTP/1.1 204 No Content\r\n" + long + "\r\nNEXT", "NEXT", 204, true},
	} {
		r := bufio.NewReaderSize(strings.NewReader(tc.in), 64)
		status, keep, err := readAnswer(r)
		rest, _ := io.ReadAll(r)
		if err != nil || status != tc.status || keep != tc.keepAlive || string(rest) != tc.rest {
			t.Errorf("%s: status %d, keep-alive %v, err %v, left %q; want %d, %v, %q", tc.name, status, keep, err, rest, tc.status, tc.keepAlive, tc.rest)
		}
	}
	for _, bad := range []string{
		"garbage\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n",
	} {
		if status, _, err := readAnswer(bufio.NewReaderSize(strings.NewReader(bad), 64)); err == nil {
			t.Errorf("%q read as an answer with status %d", bad, status)
		}
	}
}
