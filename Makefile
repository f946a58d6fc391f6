# Quartier. `make run` starts the platform with demo data; `make test` runs every test.
GO ?= go

.PHONY: run test race assets build vet lint bench backup clean

run:
	./scripts/run.sh

test:
	./scripts/test.sh

# every test under the race detector (about 4 minutes here, against 3 for make test)
race:
	./scripts/test.sh -race ./...

assets:
	./scripts/assets.sh

build:
	$(GO) build -o bin/quartier ./cmd/quartier

vet:
	$(GO) vet ./...

# staticcheck at a version that builds with Go 1.26, fetched from the module proxy.
lint: vet
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

bench:
	./scripts/test.sh -run '^$$' -bench . -benchmem ./...

# a dump of DATABASE_URL (or of make run's database) into backups/; restore: scripts/backup.sh restore FILE
backup:
	./scripts/backup.sh dump

clean:
	rm -rf bin
