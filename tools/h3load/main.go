// h3load: a small HTTP/3 load generator and one-shot client on Debian's quic-go 0.29 (http3 package).
package main

import (
	"bytes"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/http3"
)

// headerFlags collects repeated -H "Name: value" options.
type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var headers headerFlags
	flag.Var(&headers, "H", "request header \"Name: value\" (repeatable)")
	url := flag.String("url", "https://127.0.0.1:8443/", "URL")
	conns := flag.Int("c", 1, "QUIC connections")
	streams := flag.Int("m", 10, "concurrent requests per connection")
	n := flag.Int("n", 0, "total requests (0 = use -d)")
	dur := flag.Duration("d", 10*time.Second, "duration when -n 0")
	insecure := flag.Bool("k", false, "skip cert verification")
	method := flag.String("X", "GET", "method")
	bodyFile := flag.String("body", "", "request body file")
	verbose := flag.Bool("v", false, "print status, headers and body of one request, then exit")
	flag.Parse()
	var body []byte
	if *bodyFile != "" {
		b, err := os.ReadFile(*bodyFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		body = b
	}
	// -v shows what the server sent: no transparent gzip (the body and Content-Encoding stay as they
	// came) and no redirect following.
	mk := func() *http.Client {
		c := &http.Client{Transport: &http3.RoundTripper{
			TLSClientConfig:    &tls.Config{InsecureSkipVerify: *insecure},
			QuicConfig:         &quic.Config{MaxIncomingStreams: 1000},
			DisableCompression: *verbose,
		}, Timeout: 10 * time.Second}
		if *verbose {
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		}
		return c
	}
	do := func(c *http.Client) (*http.Response, []byte, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(*method, *url, rd)
		if err != nil { // a bad -X or -url: report it instead of panicking in Do(nil)
			return nil, nil, err
		}
		for _, h := range headers {
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				return nil, nil, fmt.Errorf("-H %q: want \"Name: value\"", h)
			}
			if strings.EqualFold(name, "host") {
				req.Host = strings.TrimSpace(value)
			} else {
				req.Header.Add(name, strings.TrimSpace(value))
			}
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b, err
	}
	if *verbose {
		resp, b, err := do(mk())
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		fmt.Println(resp.Proto, resp.Status)
		// One line per field value, names Go-canonicalised, fields in random order.
		for k, vs := range resp.Header {
			for _, v := range vs {
				fmt.Printf("%s: %s\n", k, v)
			}
		}
		fmt.Println()
		os.Stdout.Write(b)
		if resp.StatusCode >= 400 {
			os.Exit(22)
		}
		return
	}
	var issued, ok, fail, non2xx int64
	var mu sync.Mutex
	lats := make([]time.Duration, 0, 1<<16)
	deadline := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		c := mk()
		for j := 0; j < *streams; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				local := make([]time.Duration, 0, 1024)
				for {
					if *n > 0 {
						if atomic.AddInt64(&issued, 1) > int64(*n) {
							break
						}
					} else if time.Now().After(deadline) {
						break
					}
					t0 := time.Now()
					resp, _, err := do(c)
					if err != nil {
						if atomic.AddInt64(&fail, 1) <= 3 {
							fmt.Fprintln(os.Stderr, "error:", err)
						}
						continue
					}
					local = append(local, time.Since(t0))
					atomic.AddInt64(&ok, 1)
					if resp.StatusCode < 200 || resp.StatusCode > 299 {
						atomic.AddInt64(&non2xx, 1)
					}
				}
				mu.Lock()
				lats = append(lats, local...)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lats, func(a, b int) bool { return lats[a] < lats[b] })
	p := func(q float64) time.Duration {
		if len(lats) == 0 {
			return 0
		}
		return lats[int(q*float64(len(lats)-1))]
	}
	fmt.Printf("h3load: %d ok, %d failed, %d non-2xx in %.2fs => %.0f req/s; latency p50=%v p99=%v max=%v\n",
		ok, fail, non2xx, el.Seconds(), float64(ok)/el.Seconds(), p(0.5), p(0.99), p(1))
	if fail > 0 {
		os.Exit(1)
	}
}
