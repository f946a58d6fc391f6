# Quartier. `make run` starts the platform with demo data; `make test` runs every test.
GO ?= go

.PHONY: run test assets build vet bench clean

run:
	./scripts/run.sh

test:
	./scripts/test.sh

assets:
	./scripts/assets.sh

build:
	$(GO) build -o bin/quartier ./cmd/quartier

vet:
	$(GO) vet ./...

bench:
	./scripts/test.sh -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
