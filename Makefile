# Distribution-style targets; DESTDIR and PREFIX are honoured.
PREFIX ?= /usr
DESTDIR ?=

.PHONY: build install test
build:
	npm run build
install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash scripts/install.sh
	install -D -m 0644 share/workflows/nova-ha-host-evacuate.yaml "$(DESTDIR)$(PREFIX)/share/nova-ha/workflows/nova-ha-host-evacuate.yaml"
test:
	npm test
