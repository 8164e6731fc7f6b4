# Distribution-style targets; DESTDIR and PREFIX are honoured.
PREFIX ?= /usr
DESTDIR ?=

.PHONY: build install test
build:
	npm run build
install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/install.sh
test:
	npm test
