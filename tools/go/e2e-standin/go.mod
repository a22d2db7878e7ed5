// The e2e bundle's contract stand-in for auth, hasura and ui (main.go says what it checks): one
// static binary built by `tools install`, copied into the test images. Its one dependency, pgx,
// is pinned by the catalog.
module jore4-flux/tools/e2e-standin

go 1.26.0

require github.com/jackc/pgx/v5 v5.13.0

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	golang.org/x/text v0.41.0 // indirect
)
