// e2e-standin stands in for a jore4 service (auth, hasura or ui) when the e2e compose bundle runs
// without the real images (offline, in the tests). It is a contract stand-in: it reads every
// setting the real image reads, from the same places (environment variables, and the secret files
// of SECRET_STORE_BASE_PATH exported as variables the way jore4-tools' read-secrets.sh does),
// checks their form, connects to what they name (the database), and answers its health paths on
// the real image's port with 200 only when all of that worked; before, every path answers 503
// naming what failed, and the log says it too (what `docker compose logs` shows a CI user). Once
// ready, each path the real image serves answers 200, any other 404 (a probe or route to a path
// the image does not have fails here as there), both with a JSON echo of the request (path,
// query, headers) and of the non-secret settings, so a test can tell what reached the service.
//
//	e2e-standin auth|hasura|ui
//	e2e-standin --version
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

type kind int

const (
	text kind = iota
	absoluteURL
	boolean
	integer
	pathPrefix // "" or a path starting with "/"
)

// A setting the real image reads: an environment variable, which a secret file of the same name
// (lower case, "-" for "_") overrides.
type setting struct {
	name     string
	kind     kind
	required bool
	fallback string // the image's own default when not required
	secret   bool   // never echoed
}

// Where the real image connects to its database: the settings naming host, port, database, user
// and password. url: the image builds a postgres:// URL of them (hasura's entrypoint does), so a
// value that breaks the URL breaks the connection, as it would there.
type database struct {
	host, port, name, user, password string
	fixedPort                        int // the entrypoint's own port, when no setting names it
	url                              bool
	optional                         bool // only when the host setting is given
}

type contract struct {
	port        int
	portSetting string
	// The path prefixes the real image serves (its health path among them), `${NAME}` being a
	// setting's value; any other path is a 404, as there. None: every path (the UI's SPA).
	paths []string
	// The image exports the files of its secrets folder as settings (read-secrets.sh at start).
	readsSecrets bool
	settings     []setting
	database     *database
}

// secretsDirSetting names the folder of secret files; both images default to Docker's /run/secrets.
const secretsDirSetting, secretsDirDefault = "SECRET_STORE_BASE_PATH", "/run/secrets"

// The contracts, from the images' own documentation and entrypoints: jore4-hasura's
// docker-entrypoint.sh (read-secrets.sh, then HASURA_GRAPHQL_DATABASE_URL =
// postgres://DB_USERNAME:DB_PASSWORD@DB_HOSTNAME:5432/DB_NAME, HASURA_GRAPHQL_ADMIN_SECRET =
// HASURA_ADMIN_SECRET) and Hasura's server settings; jore4-auth's README (its "Docker reference"
// table: every property as an environment variable or a secret file, the session database
// optional) and its Spring Boot server on 8080 with the actuator's health; jore4-ui's nginx on 80.
var contracts = map[string]contract{
	"hasura": {
		port:         8080,
		portSetting:  "HASURA_GRAPHQL_SERVER_PORT",
		paths:        []string{"/healthz", "/v1/", "/v2/", "/console"},
		readsSecrets: true,
		settings: []setting{
			{name: "DB_HOSTNAME", required: true},
			{name: "DB_NAME", required: true},
			{name: "DB_USERNAME", required: true},
			{name: "DB_PASSWORD", required: true, secret: true},
			{name: "HASURA_ADMIN_SECRET", required: true, secret: true},
			{name: "HASURA_GRAPHQL_ENABLE_CONSOLE", kind: boolean, fallback: "false"},
			{name: "HASURA_GRAPHQL_ENABLE_TELEMETRY", kind: boolean, fallback: "true"},
			{name: "HASURA_GRAPHQL_MIGRATIONS_SERVER_TIMEOUT", kind: integer, fallback: "30"},
			{name: "HASURA_GRAPHQL_METADATA_DIR", fallback: "/hasura-metadata"},
			{name: "HASURA_GRAPHQL_MIGRATIONS_DIR", fallback: "/hasura-migrations"},
			{name: "HASURA_GRAPHQL_SERVER_PORT", kind: integer, fallback: "8080"},
		},
		database: &database{host: "DB_HOSTNAME", name: "DB_NAME", user: "DB_USERNAME", password: "DB_PASSWORD", fixedPort: 5432, url: true},
	},
	"auth": {
		port:         8080,
		portSetting:  "SERVER_PORT",
		paths:        []string{"/actuator/health", "${API_PATH_PREFIX}/public/", "/api-specs/"},
		readsSecrets: true,
		settings: []setting{
			{name: "SELF_PUBLIC_BASE_URL", kind: absoluteURL, required: true},
			{name: "LOGINPAGE_URL", kind: absoluteURL, required: true},
			{name: "LOGOUTPAGE_URL", kind: absoluteURL, required: true},
			{name: "OIDC_PROVIDER_BASE_URL", kind: absoluteURL, required: true},
			{name: "OIDC_CLIENT_ID", required: true},
			{name: "OIDC_CLIENT_SECRET", required: true, secret: true},
			{name: "API_PATH_PREFIX", kind: pathPrefix, fallback: "/api"},
			{name: "API_PATH_PREFIX_PUBLIC", kind: pathPrefix, fallback: "/api/auth"},
			{name: "DB_HOSTNAME"},
			{name: "DB_PORT", kind: integer, fallback: "5432"},
			{name: "DB_NAME"},
			{name: "DB_USERNAME"},
			{name: "DB_PASSWORD", secret: true},
			{name: "DB_SESSION_SCHEMA", fallback: "auth_session"},
			{name: "SERVER_PORT", kind: integer, fallback: "8080"},
		},
		database: &database{host: "DB_HOSTNAME", port: "DB_PORT", name: "DB_NAME", user: "DB_USERNAME", password: "DB_PASSWORD", optional: true},
	},
	"ui": {
		port: 80,
	},
}

// version is set at build time to the pinned pgx version (the module's one dependency).
var version = "dev"

var nonAlphanumeric = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// readSettings gives the environment with every file of the secrets folder exported over it, as
// read-secrets.sh does (`db-hostname` → DB_HOSTNAME, the value without its trailing newlines).
// The secrets folder and the files found in it.
type secretsFolder struct {
	dir   string
	files []string
}

func readSettings(environ []string, readsSecrets bool) (map[string]string, secretsFolder, error) {
	values := map[string]string{}
	for _, entry := range environ {
		if name, value, ok := strings.Cut(entry, "="); ok {
			values[name] = value
		}
	}
	folder := secretsFolder{dir: values[secretsDirSetting]}
	if folder.dir == "" {
		folder.dir = secretsDirDefault
	}
	if !readsSecrets {
		return values, folder, nil
	}
	entries, err := os.ReadDir(folder.dir)
	if err != nil {
		return values, folder, fmt.Errorf("the secrets folder %s (%s): %w", folder.dir, secretsDirSetting, err)
	}
	for _, entry := range entries {
		if entry.IsDir() || strings.HasPrefix(entry.Name(), ".") {
			continue
		}
		content, err := os.ReadFile(folder.dir + "/" + entry.Name())
		if err != nil {
			return values, folder, fmt.Errorf("secret file %s/%s: %w", folder.dir, entry.Name(), err)
		}
		folder.files = append(folder.files, entry.Name())
		name := strings.ToUpper(nonAlphanumeric.ReplaceAllString(entry.Name(), "_"))
		values[name] = strings.TrimRight(string(content), "\n")
	}
	return values, folder, nil
}

// fileName is the secret file a setting may come from.
func fileName(name string) string { return strings.ToLower(strings.ReplaceAll(name, "_", "-")) }

// checkSettings gives each setting's value (its default where unset) and every problem found.
func checkSettings(c contract, values map[string]string, folder secretsFolder) (map[string]string, []string) {
	resolved := map[string]string{}
	var problems []string
	for _, s := range c.settings {
		value, set := values[s.name]
		if !set || (s.required && value == "") {
			if s.required {
				problems = append(problems, fmt.Sprintf("%s is not set: no environment variable %s and no secret file %s/%s (the folder holds: %s)",
					s.name, s.name, folder.dir, fileName(s.name), strings.Join(folder.files, ", ")))
				continue
			}
			value = s.fallback
		}
		resolved[s.name] = value
		if value == "" && !s.required {
			continue
		}
		switch s.kind {
		case absoluteURL:
			parsed, err := url.Parse(value)
			if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
				problems = append(problems, fmt.Sprintf("%s=%q is not an absolute http(s) URL", s.name, value))
			}
		case boolean:
			if value != "true" && value != "false" {
				problems = append(problems, fmt.Sprintf("%s=%q is not true or false", s.name, value))
			}
		case integer:
			if _, err := strconv.Atoi(value); err != nil {
				problems = append(problems, fmt.Sprintf("%s=%q is not a number", s.name, value))
			}
		case pathPrefix:
			if !strings.HasPrefix(value, "/") {
				problems = append(problems, fmt.Sprintf("%s=%q is neither empty nor a path starting with /", s.name, value))
			}
		}
	}
	return resolved, problems
}

// checkDatabase connects as the real image would and runs a query; "" when there is no database to check.
func checkDatabase(ctx context.Context, d *database, settings map[string]string) (string, error) {
	if d == nil || (d.optional && settings[d.host] == "") {
		return "", nil
	}
	for _, name := range []string{d.host, d.name, d.user, d.password} {
		if settings[name] == "" {
			return "", fmt.Errorf("database: %s is not set", name)
		}
	}
	port := strconv.Itoa(d.fixedPort)
	if d.port != "" {
		port = settings[d.port]
	}
	where := fmt.Sprintf("database %s on %s:%s as %s", settings[d.name], settings[d.host], port, settings[d.user])
	// The host first, briefly: a name no service has may take the resolver's full timeouts (10 s)
	// to fail when the network's DNS forwards it outside.
	lookup, cancelLookup := context.WithTimeout(ctx, 3*time.Second)
	defer cancelLookup()
	if _, err := net.DefaultResolver.LookupHost(lookup, settings[d.host]); err != nil {
		return "", fmt.Errorf("%s: the host does not resolve: %w", where, err)
	}
	var config *pgx.ConnConfig
	var err error
	if d.url {
		config, err = pgx.ParseConfig(fmt.Sprintf("postgres://%s:%s@%s:%s/%s?sslmode=disable&connect_timeout=5",
			settings[d.user], settings[d.password], settings[d.host], port, settings[d.name]))
	} else {
		config, err = pgx.ParseConfig("sslmode=disable connect_timeout=5")
		if err == nil {
			config.Host, config.Database, config.User, config.Password = settings[d.host], settings[d.name], settings[d.user], settings[d.password]
			var parsed int
			parsed, err = strconv.Atoi(port)
			config.Port = uint16(parsed)
		}
	}
	if err != nil {
		return "", fmt.Errorf("%s: the connection settings do not parse: %w", where, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	defer conn.Close(context.Background())
	var server string
	if err := conn.QueryRow(ctx, "select current_setting('server_version')").Scan(&server); err != nil {
		return "", fmt.Errorf("%s: a query failed: %w", where, err)
	}
	return fmt.Sprintf("%s (PostgreSQL %s)", where, server), nil
}

type state struct {
	mu       sync.Mutex
	ready    bool
	problems []string
	echoed   map[string]string
}

func (s *state) set(ready bool, problems []string, echoed map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready, s.problems, s.echoed = ready, problems, echoed
}

func (s *state) get() (bool, []string, map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready, s.problems, s.echoed
}

// check runs every check once: the settings and the secrets folder, then the database.
func check(ctx context.Context, c contract) (problems []string, echoed map[string]string, connected string) {
	values, folder, err := readSettings(os.Environ(), c.readsSecrets)
	if err != nil {
		problems = append(problems, err.Error())
	}
	settings, found := checkSettings(c, values, folder)
	problems = append(problems, found...)
	echoed = map[string]string{}
	for _, s := range c.settings {
		if !s.secret {
			echoed[s.name] = settings[s.name]
		}
	}
	if len(problems) == 0 {
		connected, err = checkDatabase(ctx, c.database, settings)
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems, echoed, connected
}

// serves tells whether the real image has `path`: under one of its prefixes, or any path when it names none.
func serves(c contract, settings map[string]string, path string) bool {
	if len(c.paths) == 0 {
		return true
	}
	for _, prefix := range c.paths {
		expanded := os.Expand(prefix, func(name string) string { return settings[name] })
		if path == strings.TrimSuffix(expanded, "/") || strings.HasPrefix(path, expanded) {
			return true
		}
	}
	return false
}

func listenPort(c contract) (int, error) {
	if c.portSetting != "" {
		if value := os.Getenv(c.portSetting); value != "" {
			return strconv.Atoi(value)
		}
	}
	return c.port, nil
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println("e2e-standin", version)
		return
	}
	names := make([]string, 0, len(contracts))
	for name := range contracts {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: e2e-standin %s\n", strings.Join(names, "|"))
		os.Exit(2)
	}
	service := os.Args[1]
	c, ok := contracts[service]
	if !ok {
		fmt.Fprintf(os.Stderr, "e2e-standin: unknown service %q (known: %s)\n", service, strings.Join(names, ", "))
		os.Exit(2)
	}
	port, err := listenPort(c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s stand-in: %s is not a port: %v\n", service, c.portSetting, err)
		os.Exit(1)
	}
	log := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s %s stand-in: %s\n", time.Now().UTC().Format(time.RFC3339), service, fmt.Sprintf(format, args...))
	}

	var current state
	current.set(false, []string{"the checks have not run yet"}, nil)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// The checks run every 2 s until they all pass (a database may come up later), then stay passed:
	// the real images, too, fail or wait at start and keep running after.
	go func() {
		last := ""
		for {
			problems, echoed, connected := check(ctx, c)
			if len(problems) == 0 {
				current.set(true, nil, echoed)
				if connected != "" {
					log("connected to the %s", connected)
				}
				log("ready: every setting read and checked; answering on port %d", port)
				return
			}
			current.set(false, problems, echoed)
			if joined := strings.Join(problems, "; "); joined != last {
				for _, problem := range problems {
					log("not ready: %s", problem)
				}
				last = joined
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
	}()

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready, problems, echoed := current.get()
		if !ready {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "%s stand-in is not ready: %s\n", service, strings.Join(problems, "; "))
			return
		}
		headers := map[string]string{}
		for _, name := range []string{"Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-Ip"} {
			if value := r.Header.Get(name); value != "" {
				headers[name] = value
			}
		}
		if r.Host != "" {
			headers["Host"] = r.Host
		}
		status := http.StatusOK
		if !serves(c, echoed, r.URL.Path) {
			status = http.StatusNotFound
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"status": status, "service": service, "method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
			"headers": headers, "settings": echoed,
		})
	})
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	listener, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		log("cannot listen on port %d: %v", port, err)
		os.Exit(1)
	}
	log("listening on port %d; checking the settings the real image reads", port)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log("serving failed: %v", err)
		os.Exit(1)
	}
	log("stopped")
}
