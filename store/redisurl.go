package store

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the namespace Redis keys are put under when the URL names none.
const DefaultPrefix = "aps-mcp:"

// redisURL is what a redis:// or rediss:// URL says.
type redisURL struct {
	opts   *redis.Options
	prefix string
	where  string // host:port/db, for messages; never the password
}

// parseRedisURL reads a Redis URL: go-redis's own syntax plus our prefix query
// parameter. Its errors are built here rather than wrapped, because net/url's and
// go-redis's quote parts of the URL, and a misplaced character can put part of a
// password there.
func parseRedisURL(raw string) (*redisURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("store: Redis URL does not parse; want redis://[user:pass@]host:port/db " +
			"with special characters in user and password percent-encoded")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, errors.New("store: Redis URL has no host; want redis://[user:pass@]host:port/db")
	}
	db, err := redisDB(u.Path)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	prefix := DefaultPrefix
	if q.Has("prefix") {
		prefix = q.Get("prefix")
		q.Del("prefix")
	}
	u.RawQuery = q.Encode()
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("store: Redis URL: %s", redact(err.Error(), u.User))
	}
	return &redisURL{opts: opts, prefix: prefix, where: opts.Addr + "/" + strconv.Itoa(db)}, nil
}

// redisDB reads the database number from the URL path ("", "/" or "/N").
func redisDB(path string) (int, error) {
	s := strings.TrimPrefix(path, "/")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strings.HasPrefix(s, "+") {
		return 0, errors.New("store: Redis URL path must be the database number, e.g. redis://host:6379/0")
	}
	return n, nil
}

// redact replaces the URL's password, raw or percent-encoded, in msg.
func redact(msg string, user *url.Userinfo) string {
	pass, ok := user.Password()
	if !ok || pass == "" {
		return msg
	}
	for _, p := range []string{pass, url.QueryEscape(pass), url.PathEscape(pass)} {
		msg = strings.ReplaceAll(msg, p, "REDACTED")
	}
	return msg
}
